using System.Text.Json;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>Reads the numeric keywords of a schema, refusing values of the wrong kind.</summary>
internal static class SchemaNumbers
{
    /// <summary>A non-negative integer keyword (<c>minLength</c>, <c>maxItems</c>, ...), or null when absent.</summary>
    public static int? Count(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out decimal number) && number >= 0 && decimal.Truncate(number) == number)
        {
            return number > int.MaxValue ? int.MaxValue : (int)number;
        }

        throw new UnsupportedSchemaException(SchemaPath.Child(path, keyword), $"'{keyword}' must be a non-negative integer");
    }

    /// <summary>A numeric keyword (<c>minimum</c>, ...), or null when absent.</summary>
    public static decimal? Number(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out decimal number)
            ? number
            : throw new UnsupportedSchemaException(SchemaPath.Child(path, keyword), $"'{keyword}' must be a number");
    }

    /// <summary>
    /// A count range the grammar can repeat: a maximum above <see cref="Gbnf.MaxRepetition"/> is lowered to it (fewer is
    /// still valid), a minimum above it is refused.
    /// </summary>
    public static (int Min, int? Max) Repetition(int min, int? max, string path, string minKeyword) => min > Gbnf.MaxRepetition
        ? throw new UnsupportedSchemaException(SchemaPath.Child(path, minKeyword), $"'{minKeyword}' above {Gbnf.MaxRepetition} is not supported")
        : (min, max is int m ? Math.Min(m, Gbnf.MaxRepetition) : null);
}
