using System.Globalization;
using System.Text.Json;

namespace LocalLlm.Templates;

/// <summary>Converts JSON into template values the way Python's <c>json.loads</c> would (key order kept, <c>1</c> an int, <c>1.0</c> a float).</summary>
public static class JsonValues
{
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => FromObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => Number(element),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>The properties of a JSON object as template variables, e.g. the <c>--input</c> file of the template command.</summary>
    public static IReadOnlyDictionary<string, object?> ToVariables(JsonElement obj)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"Template variables must be a JSON object, not {obj.ValueKind}.", nameof(obj));
        }

        return FromObject(obj);
    }

    private static OrderedDictionary<string, object?> FromObject(JsonElement element)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            // Duplicate keys keep the last value, as json.loads does.
            dict[property.Name] = FromJson(property.Value);
        }

        return dict;
    }

    private static object Number(JsonElement element)
    {
        string raw = element.GetRawText();
        bool integral = raw.IndexOfAny(['.', 'e', 'E']) < 0;
        if (integral && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
        {
            return l;
        }

        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
