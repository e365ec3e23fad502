using System.Text;
using System.Text.Json;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// Object schemas. Declared properties appear in declaration order (required ones always, optional ones each
/// optional); a schema that declares properties without <c>additionalProperties</c> gets no other keys, as in OpenAI's
/// strict mode and llama.cpp, which keeps outputs valid and short. Extra keys, when allowed, never spell a declared name.
/// </summary>
internal static class ObjectRules
{
    /// <param name="requiredNeedsSchema">
    /// Whether a required name without a declared schema is resolved here; an <c>allOf</c> branch leaves that to the merge.
    /// </param>
    public static ObjectShape Shape(JsonSchemaConverter converter, JsonElement schema, string path, bool requiredNeedsSchema = true)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out JsonElement requiredList))
        {
            if (requiredList.ValueKind != JsonValueKind.Array || requiredList.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
            {
                throw new UnsupportedSchemaException(SchemaPath.Child(path, "required"), "'required' must be an array of property names");
            }

            required.UnionWith(requiredList.EnumerateArray().Select(r => r.GetString()!));
        }

        var properties = new List<ObjectProperty>();
        bool hasProperties = schema.TryGetProperty("properties", out JsonElement declared);
        if (hasProperties)
        {
            if (declared.ValueKind != JsonValueKind.Object)
            {
                throw new UnsupportedSchemaException(SchemaPath.Child(path, "properties"), "'properties' must be an object");
            }

            foreach (JsonProperty property in declared.EnumerateObject())
            {
                properties.Add(new ObjectProperty(property.Name, property.Value, required.Contains(property.Name),
                    SchemaPath.Child(SchemaPath.Child(path, "properties"), property.Name)));
            }
        }

        bool hasExtra = schema.TryGetProperty("additionalProperties", out JsonElement extra);
        string extraPath = SchemaPath.Child(path, "additionalProperties");
        ExtraProperties extraKind = !hasExtra
            ? (hasProperties || required.Count > 0 || converter.Strict ? ExtraProperties.None : ExtraProperties.Any)
            : extra.ValueKind switch
            {
                JsonValueKind.False => ExtraProperties.None,
                JsonValueKind.True => ExtraProperties.Any,
                JsonValueKind.Object => ExtraProperties.Schema,
                _ => throw new UnsupportedSchemaException(extraPath, "'additionalProperties' must be a boolean or a schema"),
            };

        // Required names without a declared schema take the schema of extra properties.
        foreach (string name in required.Where(r => properties.All(p => p.Name != r)))
        {
            if (!requiredNeedsSchema)
            {
                properties.Add(new ObjectProperty(name, default, true, SchemaPath.Child(path, "required")));
                continue;
            }

            properties.Add(extraKind switch
            {
                ExtraProperties.None => throw new UnsupportedSchemaException(SchemaPath.Child(path, "required"),
                    $"Property '{name}' is required but no schema allows it"),
                ExtraProperties.Schema => new ObjectProperty(name, extra, true, extraPath),
                _ => new ObjectProperty(name, JsonDocument.Parse("true").RootElement, true, path),
            });
        }

        return new ObjectShape(properties, extraKind, extra, extraPath, !hasProperties && !hasExtra && required.Count == 0);
    }

    /// <summary>
    /// <c>allOf</c> whose branches are plain object schemas (properties, required, open or absent
    /// <c>additionalProperties</c>): their properties and requirements merge. A property declared twice must have the
    /// same schema. A single-branch <c>allOf</c> (a common way to annotate a <c>$ref</c>) is that branch.
    /// </summary>
    public static string AllOf(JsonSchemaConverter converter, JsonElement schema, string path, string nameHint)
    {
        List<(JsonElement Schema, string Path)> branches = JsonSchemaConverter.Branches(schema.GetProperty("allOf"), SchemaPath.Child(path, "allOf"));
        bool onlyAnnotationsBeside = schema.EnumerateObject().All(p => p.Name == "allOf" || JsonSchemaConverter.IsAnnotation(p.Name));
        if (branches.Count == 1 && onlyAnnotationsBeside)
        {
            return converter.Visit(branches[0].Schema, branches[0].Path, nameHint);
        }

        var shapes = new List<ObjectShape>();
        if (!onlyAnnotationsBeside)
        {
            shapes.Add(PlainObject(converter, schema, path, "allOf"));
        }

        foreach ((JsonElement branch, string branchPath) in branches)
        {
            JsonElement target = branch;
            string targetPath = branchPath;
            if (branch.ValueKind == JsonValueKind.Object && branch.TryGetProperty("$ref", out JsonElement reference))
            {
                JsonSchemaConverter.OnlyAnnotationsBeside(branch, branchPath, "$ref");
                target = converter.Resolve(reference, SchemaPath.Child(branchPath, "$ref"), out targetPath);
            }

            if (target.ValueKind != JsonValueKind.True)
            {
                shapes.Add(PlainObject(converter, target, targetPath, null));
            }
        }

        // A required name with no schema (Undefined) only marks the property of that name, declared in some branch.
        var merged = new List<ObjectProperty>();
        foreach (ObjectProperty property in shapes.SelectMany(s => s.Properties).OrderBy(p => p.Schema.ValueKind == JsonValueKind.Undefined))
        {
            int index = merged.FindIndex(p => p.Name == property.Name);
            if (index < 0)
            {
                merged.Add(property.Schema.ValueKind != JsonValueKind.Undefined
                    ? property
                    : throw new UnsupportedSchemaException(property.Path, $"Property '{property.Name}' is required but no 'allOf' branch declares it"));
            }
            else if (property.Schema.ValueKind == JsonValueKind.Undefined)
            {
                merged[index] = merged[index] with { Required = true };
            }
            else if (JsonLiterals.Compact(merged[index].Schema) != JsonLiterals.Compact(property.Schema))
            {
                throw new UnsupportedSchemaException(property.Path, $"Property '{property.Name}' has different schemas in 'allOf' branches");
            }
            else if (property.Required)
            {
                merged[index] = merged[index] with { Required = true };
            }
        }

        bool unconstrained = shapes.All(s => s.Unconstrained);
        ExtraProperties extra = unconstrained && !converter.Strict ? ExtraProperties.Any : ExtraProperties.None;
        return Build(converter, new ObjectShape(merged, extra, default, path, unconstrained), nameHint);
    }

    public static string Build(JsonSchemaConverter converter, ObjectShape shape, string nameHint)
    {
        GbnfRuleSet rules = converter.Rules;
        if (shape.Unconstrained)
        {
            return rules.Primitive(converter.Strict ? "empty-object" : "object");
        }

        string space = rules.Primitive("space");
        var required = new List<string>();
        var optional = new List<(string Kv, bool Repeats)>();
        foreach (ObjectProperty property in shape.Properties)
        {
            if (property.Schema.ValueKind == JsonValueKind.False)
            {
                // A property whose schema is false may only be absent.
                _ = property.Required ? throw new UnsupportedSchemaException(property.Path, $"Required property '{property.Name}' has the schema 'false'") : 0;
                continue;
            }

            string value = converter.Visit(property.Schema, property.Path, $"{nameHint}-{property.Name}");
            string kv = rules.Add($"{nameHint}-{property.Name}-kv", $"{Gbnf.Literal(JsonLiterals.Quoted(property.Name))} {space} \":\" {space} {value}");
            if (property.Required)
            {
                required.Add(kv);
            }
            else
            {
                optional.Add((kv, false));
            }
        }

        if (shape.Extra != ExtraProperties.None)
        {
            string key = ExtraKeys.Rule(rules, shape.Properties.Select(p => p.Name), nameHint);
            string value = shape.Extra == ExtraProperties.Schema
                ? converter.Visit(shape.ExtraSchema, shape.ExtraPath, nameHint + "-extra")
                : rules.Primitive("value");
            optional.Add((rules.Add($"{nameHint}-extra-kv", $"{key} \":\" {space} {value}"), true));
        }

        var body = new StringBuilder("\"{\" ").Append(space);
        if (required.Count > 0)
        {
            body.Append(' ').AppendJoin($" \",\" {space} ", required);
        }

        if (optional.Count > 0)
        {
            // After the first property every later one carries its comma: tail_i ::= ( "," kv_i )? tail_i+1.
            string tail = "";
            var tails = new string[optional.Count + 1];
            tails[optional.Count] = "";
            for (int i = optional.Count - 1; i >= 0; i--)
            {
                string item = $"( \",\" {space} {optional[i].Kv} ){(optional[i].Repeats ? "*" : "?")}";
                tail = tails[i + 1].Length == 0 ? item : $"{item} {tails[i + 1]}";
                tails[i] = i == 0 ? tail : rules.Add($"{nameHint}-tail", tail);
            }

            if (required.Count > 0)
            {
                body.Append(' ').Append(tails[0]);
            }
            else
            {
                // No required property: whichever optional one comes first has no comma.
                IEnumerable<string> starts = optional.Select((o, i) =>
                    $"{o.Kv}{(o.Repeats ? $" ( \",\" {space} {o.Kv} )*" : "")}{(tails[i + 1].Length > 0 ? " " + tails[i + 1] : "")}");
                body.Append(" ( ").AppendJoin(" | ", starts).Append(" )?");
            }
        }

        body.Append(" \"}\" ").Append(space);
        return rules.Add(nameHint + "-object", body.ToString());
    }

    /// <summary>A schema allowed as an <c>allOf</c> branch (or beside <c>allOf</c>): object keywords only, never closed.</summary>
    private static ObjectShape PlainObject(JsonSchemaConverter converter, JsonElement schema, string path, string? skip)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new UnsupportedSchemaException(path, "An 'allOf' branch must be an object schema");
        }

        foreach (JsonProperty keyword in schema.EnumerateObject())
        {
            bool allowed = keyword.Name == skip || JsonSchemaConverter.IsAnnotation(keyword.Name) || keyword.Name is "properties" or "required"
                || (keyword.Name == "type" && keyword.Value.ValueKind == JsonValueKind.String && keyword.Value.GetString() == "object")
                || (keyword.Name == "additionalProperties" && keyword.Value.ValueKind == JsonValueKind.True);
            if (!allowed)
            {
                throw new UnsupportedSchemaException(SchemaPath.Child(path, keyword.Name),
                    $"'{keyword.Name}' in an 'allOf' branch is not supported: branches may only declare properties");
            }
        }

        return Shape(converter, schema, path, requiredNeedsSchema: false);
    }
}
