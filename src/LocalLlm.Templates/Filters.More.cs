using System.Globalization;
using System.Text;

namespace LocalLlm.Templates;

internal static partial class Filters
{
    private static object? ToInt(Renderer r, object? value, Args a)
    {
        object? fallback = a.Get(0, "default", 0L);
        switch (value)
        {
            case long or int or bool:
                return Py.AsLong(value);
            case double d:
                return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string s:
                string t = s.Trim(Lexer.PyWhitespace).Replace("_", "", StringComparison.Ordinal);
                if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
                {
                    return l;
                }

                return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && double.IsFinite(f) ? (long)Math.Truncate(f) : fallback;
            default:
                return fallback;
        }
    }

    private static object? ToFloat(Renderer r, object? value, Args a) => value switch
    {
        double or long or int or bool => Py.AsDouble(value),
        string s when double.TryParse(s.Trim(Lexer.PyWhitespace), NumberStyles.Float, CultureInfo.InvariantCulture, out double f) => f,
        _ => a.Get(0, "default", 0.0),
    };

    private static object? Round(Renderer r, object? value, Args a)
    {
        int precision = (int)Math.Clamp(Py.AsLong(a.Get(0, "precision", 0L)), 0, 15);
        string method = Py.Str(a.Get(1, "method", "common"));
        if (value is long or int or bool && method == "common")
        {
            return Py.AsLong(value);
        }

        double d = Py.AsDouble(value);
        double scale = Math.Pow(10, precision);
        return method switch
        {
            "ceil" => Math.Ceiling(d * scale) / scale,
            "floor" => Math.Floor(d * scale) / scale,
            _ => Math.Round(d, precision, MidpointRounding.ToEven),
        };
    }

    private static object? SortKey(object? item, object? attribute, bool caseSensitive)
    {
        object? key = attribute is null ? item : Attribute(item, attribute);
        return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
    }

    private static object? Unique(Renderer r, object? value, Args a)
    {
        bool caseSensitive = Py.Truthy(a.Get(0, "case_sensitive", false));
        object? attribute = a.Get(1, "attribute");
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (object? item in Py.Iterate(value))
        {
            object? key = SortKey(item, attribute, caseSensitive);
            if (!seen.Any(k => Py.Equals(k, key)))
            {
                seen.Add(key);
                result.Add(item);
            }
        }

        return result;
    }

    private static object? Sort(Renderer r, object? value, Args a)
    {
        bool reverse = Py.Truthy(a.Get(0, "reverse", false));
        bool caseSensitive = Py.Truthy(a.Get(1, "case_sensitive", false));
        object? attribute = a.Get(2, "attribute");
        var items = Py.Iterate(value).ToList();

        // A stable sort, as Python's sorted() is.
        var sorted = items.Select((item, index) => (item, index, key: SortKey(item, attribute, caseSensitive)))
            .OrderBy(x => x, Comparer<(object? item, int index, object? key)>.Create((x, y) =>
            {
                int c = Py.Compare(x.key, y.key, "<");
                return c != 0 ? (reverse ? -c : c) : x.index.CompareTo(y.index);
            }))
            .Select(x => x.item)
            .ToList();
        return sorted;
    }

    private static object? Batch(Renderer r, object? value, Args a)
    {
        long size = Py.AsLong(a.Get(0, "linecount"));
        if (size <= 0)
        {
            throw new TemplateRuntimeException("batch size must be positive");
        }

        bool fill = a.Has(1, "fill_with");
        object? filler = a.Get(1, "fill_with");
        var result = new List<object?>();
        List<object?>? current = null;
        foreach (object? item in Py.Iterate(value))
        {
            current ??= [];
            current.Add(item);
            if (current.Count == size)
            {
                result.Add(current);
                current = null;
            }
        }

        if (current is not null)
        {
            while (fill && current.Count < size)
            {
                current.Add(filler);
            }

            result.Add(current);
        }

        return result;
    }

    private static object? Indent(Renderer r, object? value, Args a)
    {
        object? width = a.Get(0, "width", 4L);
        string pad = width as string ?? new string(' ', (int)Math.Clamp(Py.AsLong(width), 0, 1000));
        bool first = Py.Truthy(a.Get(1, "first", false));
        bool blank = Py.Truthy(a.Get(2, "blank", false));
        string s = Py.Str(value);
        string[] lines = s.Split('\n');
        var sb = new StringBuilder();
        for (int i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('\n');
            }

            bool indentThis = (i > 0 || first) && (blank || lines[i].Length > 0);
            sb.Append(indentThis ? pad : "").Append(lines[i]);
        }

        return sb.ToString();
    }

    private static object? DictSort(Renderer r, object? value, Args a)
    {
        if (value is not IReadOnlyDictionary<string, object?> dict)
        {
            throw new TemplateRuntimeException("You can only sort by either \"key\" or \"value\"");
        }

        bool caseSensitive = Py.Truthy(a.Get(0, "case_sensitive", false));
        bool byValue = Py.Str(a.Get(1, "by", "key")) == "value";
        bool reverse = Py.Truthy(a.Get(2, "reverse", false));
        var pairs = dict.Select(p => (object?)new object?[] { p.Key, p.Value }).ToList();
        return Sort(r, pairs, new Args([reverse, caseSensitive, byValue ? 1L : 0L], []));
    }

    private static string Escape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    private static object? Sum(Renderer r, object? value, Args a)
    {
        object? attribute = a.Get(0, "attribute");
        object? total = a.Get(1, "start", 0L);
        foreach (object? item in Py.Iterate(value))
        {
            total = Py.Add(total, attribute is null ? item : Attribute(item, attribute));
        }

        return total;
    }

    private static object? Extreme(object? value, Args a, int sign)
    {
        bool caseSensitive = Py.Truthy(a.Get(0, "case_sensitive", false));
        object? attribute = a.Get(1, "attribute");
        object? best = new Undefined("No aggregated item, sequence was empty.");
        object? bestKey = null;
        foreach (object? item in Py.Iterate(value))
        {
            object? key = SortKey(item, attribute, caseSensitive);
            if (best is Undefined || Py.Compare(key, bestKey, "<") * sign > 0)
            {
                best = item;
                bestKey = key;
            }
        }

        return best;
    }

    private static string Center(string s, int width)
    {
        if (s.Length >= width)
        {
            return s;
        }

        int total = width - s.Length;
        int left = (total / 2) + (total & width & 1);
        return new string(' ', left) + s + new string(' ', total - left);
    }

    /// <summary>Jinja's <c>title</c> filter: capitalizes each word, where words start after spaces, dashes or brackets.</summary>
    private static string JinjaTitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool wordStart = true;
        foreach (char c in s)
        {
            bool separator = Lexer.IsPyWhitespace(c) || c is '-' or '(' or '{' or '[' or '<';
            sb.Append(separator ? c : wordStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            wordStart = separator;
        }

        return sb.ToString();
    }
}
