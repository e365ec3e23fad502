using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LocalLlm.Server.StructuredOutput;

/// <summary><c>const</c> and <c>enum</c>: each allowed value written as compact JSON and matched exactly.</summary>
internal static class JsonLiterals
{
    private static readonly JsonWriterOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>
    /// The values allowed by <paramref name="keyword"/>, narrowed by a sibling <c>type</c>; any other sibling constraint
    /// is refused, since matching a literal cannot also check it.
    /// </summary>
    public static string Alternatives(GbnfRuleSet rules, IReadOnlyList<JsonElement> values, JsonElement schema, string path, string keyword)
    {
        HashSet<string>? types = null;
        foreach (JsonProperty sibling in schema.EnumerateObject())
        {
            if (sibling.Name == "type")
            {
                types = sibling.Value.ValueKind switch
                {
                    JsonValueKind.String => [sibling.Value.GetString()!],
                    JsonValueKind.Array => [.. sibling.Value.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)],
                    _ => throw new UnsupportedSchemaException(SchemaPath.Child(path, "type"), "'type' must be a type name or an array of them"),
                };
            }
            else if (sibling.Name != keyword && !JsonSchemaConverter.IsAnnotation(sibling.Name))
            {
                throw new UnsupportedSchemaException(SchemaPath.Child(path, sibling.Name), $"'{sibling.Name}' beside '{keyword}' is not supported");
            }
        }

        List<string> literals = [.. values.Where(v => types is null || types.Any(t => HasType(v, t))).Select(v => Gbnf.Literal(Compact(v))).Distinct()];
        if (literals.Count == 0)
        {
            throw new UnsupportedSchemaException(SchemaPath.Child(path, keyword), $"No value of '{keyword}' has the schema's type");
        }

        string space = rules.Primitive("space");
        return literals.Count == 1 ? $"{literals[0]} {space}" : $"( {string.Join(" | ", literals)} ) {space}";
    }

    /// <summary>The value as compact JSON text.</summary>
    public static string Compact(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_compact))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A JSON string literal of <paramref name="text"/>, as a document would carry it.</summary>
    public static string Quoted(string text)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_compact))
        {
            writer.WriteStringValue(text);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out decimal d) && decimal.Truncate(d) == d,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        _ => false,
    };
}
