using System.Globalization;
using System.Text;

namespace LocalLlm.Templates;

/// <summary>
/// Python's <c>json.dumps(value, ensure_ascii=False, indent=..., sort_keys=...)</c>, byte for byte: separators
/// <c>", "</c>/<c>": "</c> without indent and <c>","</c>/<c>": "</c> with it, floats as Python's repr,
/// non-ASCII characters kept as they are.
/// </summary>
internal static class PyJson
{
    public static string Dumps(object? value, string? indent, bool sortKeys)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, sortKeys, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, string? indent, bool sortKeys, int level)
    {
        if (level > 500)
        {
            throw new TemplateRuntimeException("maximum recursion depth exceeded while encoding a JSON object");
        }

        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case long or int:
                sb.Append(Py.Str(value));
                break;
            case double d:
                sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : Py.FloatRepr(d));
                break;
            case string s:
                WriteString(sb, s);
                break;
            case IReadOnlyList<object?> list:
                if (list.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }

                sb.Append('[');
                for (int i = 0; i < list.Count; i++)
                {
                    Separator(sb, indent, level + 1, i == 0);
                    Write(sb, list[i], indent, sortKeys, level + 1);
                }

                Close(sb, indent, level);
                sb.Append(']');
                break;
            case IReadOnlyDictionary<string, object?> dict:
                if (dict.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }

                sb.Append('{');
                IEnumerable<KeyValuePair<string, object?>> pairs = sortKeys ? dict.OrderBy(p => p.Key, StringComparer.Ordinal) : dict;
                bool first = true;
                foreach (var pair in pairs)
                {
                    Separator(sb, indent, level + 1, first);
                    first = false;
                    WriteString(sb, pair.Key);
                    sb.Append(": ");
                    Write(sb, pair.Value, indent, sortKeys, level + 1);
                }

                Close(sb, indent, level);
                sb.Append('}');
                break;
            case Undefined u:
                throw new TemplateRuntimeException(u.Hint);
            default:
                throw new TemplateRuntimeException($"Object of type {Py.TypeName(value)} is not JSON serializable");
        }
    }

    private static void Separator(StringBuilder sb, string? indent, int level, bool first)
    {
        if (indent is null)
        {
            if (!first)
            {
                sb.Append(", ");
            }

            return;
        }

        if (!first)
        {
            sb.Append(',');
        }

        sb.Append('\n');
        for (int i = 0; i < level; i++)
        {
            sb.Append(indent);
        }
    }

    private static void Close(StringBuilder sb, string? indent, int level)
    {
        if (indent is null)
        {
            return;
        }

        sb.Append('\n');
        for (int i = 0; i < level; i++)
        {
            sb.Append(indent);
        }
    }

    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
