using System.Globalization;
using System.Text;

namespace LocalLlm.Templates;

/// <summary>Jinja's built-in filters as used by chat templates; <c>tojson</c> is Hugging Face's override.</summary>
internal static partial class Filters
{
    public static readonly Dictionary<string, FilterFunction> Table = new(StringComparer.Ordinal)
    {
        ["trim"] = (_, v, a) => StringMethods.Strip(Py.Str(v), a.Get(0, "chars") as string, true, true),
        ["tojson"] = ToJson,
        ["length"] = (_, v, _) => Py.Length(v),
        ["count"] = (_, v, _) => Py.Length(v),
        ["join"] = Join,
        ["replace"] = (_, v, a) => StringMethods.Call(Py.Str(v), "replace", new Args([Py.Str(a.Get(0, "old")), Py.Str(a.Get(1, "new"))], a.Has(2, "count") && a.Get(2, "count") is not null ? [new("count", a.Get(2, "count"))] : [])),
        ["upper"] = (_, v, _) => Py.Str(v).ToUpperInvariant(),
        ["lower"] = (_, v, _) => Py.Str(v).ToLowerInvariant(),
        ["capitalize"] = (_, v, _) => StringMethods.Call(Py.Str(v), "capitalize", Args.None),
        ["title"] = (_, v, _) => JinjaTitle(Py.Str(v)),
        ["first"] = (_, v, _) => Py.Iterate(v) is { Count: > 0 } items ? items[0] : new Undefined("No first item, sequence was empty."),
        ["last"] = (_, v, _) => Py.Iterate(v) is { Count: > 0 } items ? items[^1] : new Undefined("No last item, sequence was empty."),
        ["selectattr"] = (r, v, a) => SelectAttr(r, v, a, true),
        ["rejectattr"] = (r, v, a) => SelectAttr(r, v, a, false),
        ["select"] = (r, v, a) => Select(r, v, a, true),
        ["reject"] = (r, v, a) => Select(r, v, a, false),
        ["map"] = Map,
        ["items"] = Items,
        ["default"] = Default,
        ["d"] = Default,
        ["string"] = (_, v, _) => Py.Str(v),
        ["list"] = (_, v, _) => Py.Iterate(v).ToList(),
        ["safe"] = (_, v, _) => v,
        ["int"] = ToInt,
        ["float"] = ToFloat,
        ["abs"] = (_, v, _) => v switch
        {
            double d => (object)Math.Abs(d),
            _ => (object)checked(Math.Abs(Py.AsLong(v))),
        },
        ["round"] = Round,
        ["unique"] = Unique,
        ["sort"] = Sort,
        ["reverse"] = (_, v, _) => v is string s ? string.Concat(Py.CodePoints(s).Cast<string>().Reverse()) : Py.Iterate(v).Reverse().ToList(),
        ["batch"] = Batch,
        ["indent"] = Indent,
        ["wordcount"] = (_, v, _) => (long)Py.Str(v).Split(Lexer.PyWhitespace, StringSplitOptions.RemoveEmptyEntries).Length,
        ["dictsort"] = DictSort,
        ["escape"] = (_, v, _) => Escape(Py.Str(v)),
        ["e"] = (_, v, _) => Escape(Py.Str(v)),
        ["forceescape"] = (_, v, _) => Escape(Py.Str(v)),
        ["sum"] = Sum,
        ["min"] = (_, v, a) => Extreme(v, a, -1),
        ["max"] = (_, v, a) => Extreme(v, a, 1),
        ["attr"] = (_, v, a) => Access.GetAttr(v, Py.Str(a.Get(0, "name"))),
        ["center"] = (_, v, a) => Center(Py.Str(v), (int)Py.AsLong(a.Get(0, "width", 80L))),
    };

    public static FilterFunction Resolve(string name) => Table.TryGetValue(name, out FilterFunction? filter) ? filter
        : throw new TemplateRuntimeException($"No filter named '{name}'.");

    /// <summary>Hugging Face's <c>tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)</c>.</summary>
    private static object? ToJson(Renderer r, object? value, Args a)
    {
        object? indent = a.Get(1, "indent");
        string? indentText = indent switch
        {
            null => null,
            string s => s,
            _ => new string(' ', (int)Math.Clamp(Py.AsLong(indent), 0, 64)),
        };
        string json = PyJson.Dumps(value, indentText, Py.Truthy(a.Get(4, "sort_keys", false)));
        return Py.Truthy(a.Get(0, "ensure_ascii", false)) ? EscapeNonAscii(json) : json;
    }

    private static string EscapeNonAscii(string json)
    {
        var sb = new StringBuilder(json.Length);
        foreach (char c in json)
        {
            if (c > 0x7f)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static object? Join(Renderer r, object? value, Args a)
    {
        string separator = Py.Str(a.Get(0, "d", ""));
        object? attribute = a.Get(1, "attribute");
        IEnumerable<object?> items = Py.Iterate(value);
        if (attribute is not null)
        {
            items = items.Select(item => Attribute(item, attribute));
        }

        return string.Join(separator, items.Select(Py.Str));
    }

    /// <summary>Jinja's attribute paths: <c>"a.b"</c> walks nested members, integers index.</summary>
    internal static object? Attribute(object? item, object? attribute)
    {
        if (attribute is string path)
        {
            foreach (string part in path.Split('.'))
            {
                item = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long index) ? Access.GetItem(item, index) : Access.GetItem(item, part);
            }

            return item;
        }

        return Access.GetItem(item, attribute);
    }

    private static List<object?> SelectAttr(Renderer r, object? value, Args a, bool keep)
    {
        object? attribute = a.Get(0, "attribute");
        var result = new List<object?>();
        foreach (object? item in Py.Iterate(value))
        {
            object? member = Attribute(item, attribute);
            bool passed = a.Count < 2 ? Py.Truthy(member) : Tests.Resolve(Py.Str(a.Positional[1]))(r, member, new Args(a.Positional[2..], []));
            if (passed == keep)
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static List<object?> Select(Renderer r, object? value, Args a, bool keep)
    {
        var result = new List<object?>();
        TestFunction? test = a.Count == 0 ? null : Tests.Resolve(Py.Str(a.Positional[0]));
        var rest = new Args(a.Count > 1 ? a.Positional[1..] : [], []);
        foreach (object? item in Py.Iterate(value))
        {
            bool passed = test is null ? Py.Truthy(item) : test(r, item, rest);
            if (passed == keep)
            {
                result.Add(item);
            }
        }

        return result;
    }

    private static List<object?> Map(Renderer r, object? value, Args a)
    {
        var result = new List<object?>();
        if (a.Has(-1, "attribute"))
        {
            object? attribute = a.Get(-1, "attribute");
            object? fallback = a.Get(-1, "default", Undefined.Instance);
            foreach (object? item in Py.Iterate(value))
            {
                object? member = Attribute(item, attribute);
                result.Add(member is Undefined && fallback is not Undefined ? fallback : member);
            }

            return result;
        }

        if (a.Count == 0)
        {
            throw new TemplateRuntimeException("map requires a filter argument");
        }

        FilterFunction filter = Resolve(Py.Str(a.Positional[0]));
        var rest = new Args(a.Positional[1..], a.Named);
        foreach (object? item in Py.Iterate(value))
        {
            result.Add(filter(r, item, rest));
        }

        return result;
    }

    private static object? Items(Renderer r, object? value, Args a) => value switch
    {
        Undefined => new List<object?>(),
        IReadOnlyDictionary<string, object?> dict => Methods.Call(r, dict, "items", Args.None),
        _ => throw new TemplateRuntimeException("Can only get item pairs from a mapping."),
    };

    private static object? Default(Renderer r, object? value, Args a)
    {
        object? fallback = a.Get(0, "default_value", "");
        bool boolean = Py.Truthy(a.Get(1, "boolean", false));
        return value is Undefined || (boolean && !Py.Truthy(value)) ? fallback : value;
    }
}
