using System.Text;
using System.Text.Json;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// Array schemas: <c>prefixItems</c> for the leading elements, <c>items</c> for the rest (a schema, <c>true</c>/absent
/// for any value, <c>false</c> for none), and <c>minItems</c>/<c>maxItems</c> on the total count.
/// </summary>
internal static class ArrayRules
{
    public static string Build(JsonSchemaConverter converter, JsonElement schema, string path, string nameHint)
    {
        GbnfRuleSet rules = converter.Rules;
        var prefix = new List<string>();
        if (schema.TryGetProperty("prefixItems", out JsonElement prefixItems))
        {
            foreach ((JsonElement item, string itemPath) in JsonSchemaConverter.Branches(prefixItems, SchemaPath.Child(path, "prefixItems")))
            {
                prefix.Add(converter.Visit(item, itemPath, $"{nameHint}-{prefix.Count}"));
            }
        }

        string? rest = !schema.TryGetProperty("items", out JsonElement items)
            ? rules.Primitive("value")
            : items.ValueKind switch
            {
                JsonValueKind.False => null,
                JsonValueKind.Array => throw new UnsupportedSchemaException(SchemaPath.Child(path, "items"), "'items' as an array is not supported; use 'prefixItems'"),
                _ => converter.Visit(items, SchemaPath.Child(path, "items"), nameHint + "-item"),
            };

        int min = SchemaNumbers.Count(schema, "minItems", path) ?? 0;
        int? max = SchemaNumbers.Count(schema, "maxItems", path);
        if (rest is null)
        {
            max = Math.Min(max ?? prefix.Count, prefix.Count);
        }

        if (min > max)
        {
            throw new UnsupportedSchemaException(SchemaPath.Child(path, "minItems"), "'minItems' exceeds the most elements the array may hold");
        }

        (min, max) = SchemaNumbers.Repetition(min, max, path, "minItems");

        // Elements past the prefix: their count, after the prefix is complete.
        int restMin = Math.Max(min - prefix.Count, 0);
        int? restMax = max - prefix.Count;
        string space = rules.Primitive("space");
        string body = $"\"[\" {space} {Elements(prefix.Take(max ?? prefix.Count).ToList(), min, rest, restMin, restMax, space)} \"]\" {space}";
        if (max == 0)
        {
            body = $"\"[\" {space} \"]\" {space}";
        }

        return rules.Add(nameHint + "-array", body);
    }

    /// <summary>
    /// The elements between the brackets: the first <paramref name="min"/> are required, each later one optional but only
    /// after its predecessor, and the first carries no comma.
    /// </summary>
    private static string Elements(List<string> prefix, int min, string? rest, int restMin, int? restMax, string space)
    {
        string Comma(int index, string element) => index == 0 ? element : $"\",\" {space} {element}";

        string tail = "";
        if (rest is not null && restMax is not (<= 0))
        {
            if (prefix.Count == 0)
            {
                // No prefix: item ( "," item ){min-1,max-1}, all optional when zero items are allowed.
                string more = Gbnf.Repeat($"( \",\" {space} {rest} )", Math.Max(restMin - 1, 0), restMax - 1);
                string list = more.Length == 0 || restMax == 1 ? rest : $"{rest} {more}";
                return restMin == 0 ? $"( {list} )?" : list;
            }

            tail = Gbnf.Repeat($"( \",\" {space} {rest} )", restMin, restMax);
        }

        // Nested optionals from the back: ( "," p_k ( "," p_k+1 ( ... tail )? )? )?
        var text = new StringBuilder();
        int required = Math.Min(min, prefix.Count);
        for (int i = 0; i < required; i++)
        {
            text.Append(Comma(i, prefix[i])).Append(' ');
        }

        string optional = tail;
        for (int i = prefix.Count - 1; i >= required; i--)
        {
            optional = $"( {Comma(i, prefix[i])} {optional} )?";
        }

        return text.Append(optional).ToString().Trim();
    }
}
