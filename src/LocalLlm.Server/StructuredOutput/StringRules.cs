using System.Text.Json;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>String schemas: lengths, a <c>format</c> with a fixed shape, or a <c>pattern</c> in the supported regex subset.</summary>
internal static class StringRules
{
    private static readonly Dictionary<string, string> s_formats = new(StringComparer.Ordinal)
    {
        ["date"] = "date-string",
        ["time"] = "time-string",
        ["date-time"] = "date-time-string",
        ["uuid"] = "uuid",
    };

    public static string Build(JsonSchemaConverter converter, JsonElement schema, string path, string nameHint)
    {
        GbnfRuleSet rules = converter.Rules;
        int? minLength = SchemaNumbers.Count(schema, "minLength", path);
        int? maxLength = SchemaNumbers.Count(schema, "maxLength", path);
        bool hasFormat = schema.TryGetProperty("format", out JsonElement format);
        bool hasPattern = schema.TryGetProperty("pattern", out JsonElement pattern);

        // A format or pattern fixes the string's shape; intersecting it with lengths (or with each other) is not done.
        if ((hasFormat || hasPattern) && (minLength is not null || maxLength is not null || (hasFormat && hasPattern)))
        {
            string keyword = hasFormat ? "format" : "pattern";
            string other = minLength is not null ? "minLength" : maxLength is not null ? "maxLength" : "pattern";
            throw new UnsupportedSchemaException(SchemaPath.Child(path, other), $"'{other}' together with '{keyword}' is not supported");
        }

        if (hasFormat)
        {
            string formatPath = SchemaPath.Child(path, "format");
            if (format.ValueKind != JsonValueKind.String)
            {
                throw new UnsupportedSchemaException(formatPath, "'format' must be a string");
            }

            return s_formats.TryGetValue(format.GetString()!, out string? rule)
                ? rules.Primitive(rule)
                : throw new UnsupportedSchemaException(formatPath, $"String format '{format.GetString()}' is not supported (supported: {string.Join(", ", s_formats.Keys)})");
        }

        if (hasPattern)
        {
            string patternPath = SchemaPath.Child(path, "pattern");
            if (pattern.ValueKind != JsonValueKind.String)
            {
                throw new UnsupportedSchemaException(patternPath, "'pattern' must be a string");
            }

            string content = RegexGrammar.Translate(rules, pattern.GetString()!, patternPath);
            return rules.Add(nameHint + "-string", $"\"\\\"\" {content} \"\\\"\" {rules.Primitive("space")}");
        }

        if (minLength is null && maxLength is null)
        {
            return rules.Primitive("string");
        }

        int min = minLength ?? 0;
        if (maxLength < min)
        {
            throw new UnsupportedSchemaException(SchemaPath.Child(path, "maxLength"), "'maxLength' is below 'minLength', so no string is valid");
        }

        (min, int? max) = SchemaNumbers.Repetition(min, maxLength, path, "minLength");
        string chars = Gbnf.Repeat(rules.Primitive("char"), min, max);
        return rules.Add(nameHint + "-string", $"\"\\\"\" {chars} \"\\\"\" {rules.Primitive("space")}");
    }
}
