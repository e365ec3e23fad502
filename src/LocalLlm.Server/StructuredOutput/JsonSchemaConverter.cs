using System.Text.Json;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// Turns a JSON Schema into GBNF whose every sentence is a JSON document valid against the schema. Where exactness
/// would cost too much the grammar admits a subset (objects carry only declared properties unless
/// <c>additionalProperties</c> opens them, numbers have at most 16 integral digits), never a superset; what cannot be
/// narrowed soundly is refused with <see cref="UnsupportedSchemaException"/>. <c>oneOf</c> is read as <c>anyOf</c>, so
/// its alternatives should not overlap.
/// </summary>
internal sealed class JsonSchemaConverter
{
    /// <summary>Keywords that carry no constraint.</summary>
    private static readonly HashSet<string> s_annotations = new(StringComparer.Ordinal)
    {
        "description", "title", "$schema", "default", "examples", "$comment", "$defs", "definitions", "deprecated", "readOnly", "writeOnly",
    };

    private static readonly HashSet<string> s_composition = new(StringComparer.Ordinal) { "$ref", "enum", "const", "anyOf", "oneOf", "allOf" };

    private static readonly Dictionary<string, string[]> s_typeKeywords = new(StringComparer.Ordinal)
    {
        ["string"] = ["minLength", "maxLength", "pattern", "format"],
        ["number"] = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
        ["integer"] = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
        ["object"] = ["properties", "required", "additionalProperties"],
        ["array"] = ["items", "prefixItems", "minItems", "maxItems"],
        ["boolean"] = [],
        ["null"] = [],
    };

    private static readonly HashSet<string> s_known = new(
        s_annotations.Concat(s_composition).Concat(s_typeKeywords.Values.SelectMany(k => k)).Append("type"), StringComparer.Ordinal);

    private readonly JsonElement _root;
    private readonly Dictionary<string, string> _refRules = new(StringComparer.Ordinal);

    private JsonSchemaConverter(JsonElement root, GbnfRuleSet rules, bool strict)
    {
        _root = root;
        Rules = rules;
        Strict = strict;
    }

    public GbnfRuleSet Rules { get; }

    /// <summary>OpenAI's strict mode: an object schema that names no properties admits only <c>{}</c>.</summary>
    public bool Strict { get; }

    /// <summary>A whole grammar (start rule <c>root</c>) for documents valid against <paramref name="schema"/>.</summary>
    public static string Grammar(JsonElement schema, bool strict)
    {
        var rules = new GbnfRuleSet();
        string root = new JsonSchemaConverter(schema, rules, strict).Visit(schema, SchemaPath.Root, "schema");
        return rules.Render(root);
    }

    /// <summary>Adds the rules for <paramref name="schema"/> to <paramref name="rules"/> and returns the expression that matches it.</summary>
    public static string AddTo(GbnfRuleSet rules, JsonElement schema, bool strict, string nameHint) =>
        new JsonSchemaConverter(schema, rules, strict).Visit(schema, SchemaPath.Root, nameHint);

    /// <summary>The GBNF expression for <paramref name="schema"/>, found at <paramref name="path"/>.</summary>
    public string Visit(JsonElement schema, string path, string nameHint)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return Rules.Primitive("value");
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            throw new UnsupportedSchemaException(path, "The schema 'false' admits no value");
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new UnsupportedSchemaException(path, "A schema must be an object or a boolean");
        }

        foreach (JsonProperty keyword in schema.EnumerateObject())
        {
            if (!s_known.Contains(keyword.Name) && !(keyword.Name == "$id" && path == SchemaPath.Root))
            {
                throw UnsupportedSchemaException.Keyword(path, keyword.Name);
            }
        }

        if (schema.TryGetProperty("$ref", out JsonElement reference))
        {
            OnlyAnnotationsBeside(schema, path, "$ref");
            return Reference(reference, SchemaPath.Child(path, "$ref"));
        }

        if (schema.TryGetProperty("const", out JsonElement constant))
        {
            return JsonLiterals.Alternatives(Rules, [constant], schema, path, "const");
        }

        if (schema.TryGetProperty("enum", out JsonElement values))
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                throw new UnsupportedSchemaException(SchemaPath.Child(path, "enum"), "'enum' must be a non-empty array");
            }

            return JsonLiterals.Alternatives(Rules, [.. values.EnumerateArray()], schema, path, "enum");
        }

        foreach (string keyword in (string[])["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(keyword, out JsonElement branches))
            {
                OnlyAnnotationsBeside(schema, path, keyword);
                return Alternatives(Branches(branches, SchemaPath.Child(path, keyword))
                    .Select(b => Visit(b.Schema, b.Path, nameHint)));
            }
        }

        if (schema.TryGetProperty("allOf", out _))
        {
            return ObjectRules.AllOf(this, schema, path, nameHint);
        }

        IReadOnlyList<string> types = Types(schema, path);
        return types.Count == 0 ? Rules.Primitive("value") : Alternatives(types.Select(t => TypeRule(t, schema, path, nameHint)));
    }

    /// <summary>Follows a local <c>$ref</c> to its target in this document; the target's rule is written once, so refs may recurse.</summary>
    public JsonElement Resolve(JsonElement reference, string path, out string pointer)
    {
        if (reference.ValueKind != JsonValueKind.String || reference.GetString() is not { } text || !(text == "#" || text.StartsWith("#/", StringComparison.Ordinal)))
        {
            throw new UnsupportedSchemaException(path, "Only local references ('#' or '#/...') are supported");
        }

        pointer = text;
        JsonElement target = _root;
        foreach (string token in text == "#" ? [] : Uri.UnescapeDataString(text[2..]).Split('/'))
        {
            string name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            JsonElement next = default;
            bool found = target.ValueKind switch
            {
                JsonValueKind.Object => target.TryGetProperty(name, out next),
                JsonValueKind.Array => int.TryParse(name, out int index) && index >= 0 && index < target.GetArrayLength() && (next = target[index]).ValueKind != JsonValueKind.Undefined,
                _ => false,
            };
            target = found ? next : throw new UnsupportedSchemaException(path, $"The reference '{text}' points at nothing in this schema");
        }

        return target;
    }

    /// <summary>The schemas of an <c>anyOf</c>/<c>oneOf</c>/<c>allOf</c> array with their paths.</summary>
    public static List<(JsonElement Schema, string Path)> Branches(JsonElement branches, string path)
    {
        if (branches.ValueKind != JsonValueKind.Array || branches.GetArrayLength() == 0)
        {
            throw new UnsupportedSchemaException(path, "Must be a non-empty array of schemas");
        }

        return [.. branches.EnumerateArray().Select((b, i) => (b, SchemaPath.Child(path, i)))];
    }

    public static bool IsAnnotation(string keyword) => s_annotations.Contains(keyword) || keyword == "$id";

    private string Reference(JsonElement reference, string path)
    {
        JsonElement target = Resolve(reference, path, out string pointer);
        if (_refRules.TryGetValue(pointer, out string? name))
        {
            return name;
        }

        name = Rules.Reserve(pointer.Length <= 2 ? "ref-root" : "ref-" + pointer[(pointer.LastIndexOf('/') + 1)..]);
        _refRules[pointer] = name;
        Rules.Define(name, Visit(target, pointer, name));
        return name;
    }

    private string TypeRule(string type, JsonElement schema, string path, string nameHint) => type switch
    {
        "string" => StringRules.Build(this, schema, path, nameHint),
        "number" => NumberRules.Build(Rules, schema, path, integer: false, nameHint),
        "integer" => NumberRules.Build(Rules, schema, path, integer: true, nameHint),
        "boolean" => Rules.Primitive("boolean"),
        "null" => Rules.Primitive("null"),
        "object" => ObjectRules.Build(this, ObjectRules.Shape(this, schema, path), nameHint),
        "array" => ArrayRules.Build(this, schema, path, nameHint),
        _ => throw new UnsupportedSchemaException(SchemaPath.Child(path, "type"), $"Unknown type '{type}'"),
    };

    /// <summary>The types a schema admits: its <c>type</c>, or else those whose keywords it uses (none: any value).</summary>
    private static List<string> Types(JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("type", out JsonElement type))
        {
            return [.. s_typeKeywords
                .Where(t => t.Key != "integer" && t.Value.Any(k => schema.TryGetProperty(k, out _)))
                .Select(t => t.Key)];
        }

        List<string> types = type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array when type.GetArrayLength() > 0 && type.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String) =>
                [.. type.EnumerateArray().Select(t => t.GetString()!).Distinct()],
            _ => throw new UnsupportedSchemaException(SchemaPath.Child(path, "type"), "'type' must be a type name or a non-empty array of them"),
        };
        foreach (string name in types.Where(t => !s_typeKeywords.ContainsKey(t)))
        {
            throw new UnsupportedSchemaException(SchemaPath.Child(path, "type"), $"Unknown type '{name}'");
        }

        // "integer" is a subset of "number": listing both would make integers ambiguous, never invalid.
        return types.Contains("number") ? [.. types.Where(t => t != "integer")] : types;
    }

    /// <summary>
    /// Keywords beside a composition keyword would intersect with it, which alternatives cannot express; they are refused
    /// rather than dropped, because dropping one could admit invalid documents.
    /// </summary>
    public static void OnlyAnnotationsBeside(JsonElement schema, string path, string keyword)
    {
        foreach (JsonProperty other in schema.EnumerateObject())
        {
            if (other.Name != keyword && !IsAnnotation(other.Name))
            {
                throw new UnsupportedSchemaException(SchemaPath.Child(path, other.Name), $"'{other.Name}' beside '{keyword}' is not supported");
            }
        }
    }

    private static string Alternatives(IEnumerable<string> expressions)
    {
        List<string> distinct = [.. expressions.Distinct()];
        return distinct.Count == 1 ? distinct[0] : $"( {string.Join(" | ", distinct)} )";
    }
}
