using System.Globalization;
using System.Text;

namespace LocalLlm.Templates;

/// <summary>Python <c>str</c> methods with Python's semantics (whitespace set, <c>split()</c> without a separator, ...).</summary>
internal static class StringMethods
{
    public static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "startswith", "endswith", "split", "rsplit", "strip", "lstrip", "rstrip", "upper", "lower", "title",
        "capitalize", "replace", "find", "rfind", "count", "format", "join", "isdigit", "isalpha", "isalnum",
        "isspace", "isupper", "islower", "splitlines", "removeprefix", "removesuffix", "index",
    };

    public static object? Call(string s, string name, Args args)
    {
        switch (name)
        {
            case "startswith":
            case "endswith":
                return Affix(s, args.Get(0, "prefix"), name == "startswith");
            case "split":
                return Split(s, OptionalString(args.Get(0, "sep")), MaxSplit(args));
            case "rsplit":
                return RSplit(s, OptionalString(args.Get(0, "sep")), MaxSplit(args));
            case "strip":
                return Strip(s, OptionalString(args.Get(0, "chars")), true, true);
            case "lstrip":
                return Strip(s, OptionalString(args.Get(0, "chars")), true, false);
            case "rstrip":
                return Strip(s, OptionalString(args.Get(0, "chars")), false, true);
            case "upper":
                return s.ToUpperInvariant();
            case "lower":
                return s.ToLowerInvariant();
            case "title":
                return PyTitle(s);
            case "capitalize":
                return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();
            case "replace":
                return Replace(s, RequireString(args.Get(0, "old")), RequireString(args.Get(1, "new")), args.Has(2, "count") ? Py.AsLong(args.Get(2, "count")) : -1);
            case "find":
                return (long)s.IndexOf(RequireString(args.Get(0, "sub")), StringComparison.Ordinal);
            case "rfind":
                return (long)s.LastIndexOf(RequireString(args.Get(0, "sub")), StringComparison.Ordinal);
            case "index":
                int at = s.IndexOf(RequireString(args.Get(0, "sub")), StringComparison.Ordinal);
                return at >= 0 ? (long)at : throw new TemplateRuntimeException("substring not found");
            case "count":
                string sub = RequireString(args.Get(0, "sub"));
                return sub.Length == 0 ? (long)(Py.CodePointCount(s) + 1) : (long)((s.Length - s.Replace(sub, "", StringComparison.Ordinal).Length) / sub.Length);
            case "format":
                return Format(s, args);
            case "join":
                return string.Join(s, Py.Iterate(args.Get(0, "iterable")).Select(item => item as string ?? throw new TemplateRuntimeException($"sequence item: expected str instance, {Py.TypeName(item)} found")));
            case "isdigit":
                return s.Length > 0 && s.All(char.IsDigit);
            case "isalpha":
                return s.Length > 0 && s.All(char.IsLetter);
            case "isalnum":
                return s.Length > 0 && s.All(char.IsLetterOrDigit);
            case "isspace":
                return s.Length > 0 && s.All(Lexer.IsPyWhitespace);
            case "isupper":
                return s.Any(char.IsLetter) && !s.Any(char.IsLower);
            case "islower":
                return s.Any(char.IsLetter) && !s.Any(char.IsUpper);
            case "splitlines":
                return s.Split('\n').Select(line => (object?)line.TrimEnd('\r')).Take(s.EndsWith('\n') ? s.Split('\n').Length - 1 : int.MaxValue).ToList();
            case "removeprefix":
                string prefix = RequireString(args.Get(0, "prefix"));
                return s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s;
            default:
                string suffix = RequireString(args.Get(0, "suffix"));
                return s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;
        }
    }

    private static string RequireString(object? value) => value as string
        ?? throw new TemplateRuntimeException(value is Undefined u ? u.Hint : $"must be str, not {Py.TypeName(value)}");

    private static string? OptionalString(object? value) => value is null ? null : RequireString(value);

    private static int MaxSplit(Args args) => args.Has(1, "maxsplit") ? (int)Math.Clamp(Py.AsLong(args.Get(1, "maxsplit")), -1, int.MaxValue) : -1;

    private static bool Affix(string s, object? affix, bool start)
    {
        if (affix is IReadOnlyList<object?> options)
        {
            return options.Any(option => Affix(s, option, start));
        }

        string text = RequireString(affix);
        return start ? s.StartsWith(text, StringComparison.Ordinal) : s.EndsWith(text, StringComparison.Ordinal);
    }

    public static string Strip(string s, string? chars, bool left, bool right)
    {
        char[] set = chars is null ? Lexer.PyWhitespace : chars.ToCharArray();
        return left && right ? s.Trim(set) : left ? s.TrimStart(set) : s.TrimEnd(set);
    }

    private static List<object?> Split(string s, string? sep, int maxSplit)
    {
        var parts = new List<object?>();
        if (sep is null)
        {
            int i = 0;
            while (true)
            {
                while (i < s.Length && Lexer.IsPyWhitespace(s[i]))
                {
                    i++;
                }

                if (i >= s.Length)
                {
                    break;
                }

                if (maxSplit >= 0 && parts.Count == maxSplit)
                {
                    parts.Add(s[i..].TrimEnd(Lexer.PyWhitespace));
                    break;
                }

                int start = i;
                while (i < s.Length && !Lexer.IsPyWhitespace(s[i]))
                {
                    i++;
                }

                parts.Add(s[start..i]);
            }

            return parts;
        }

        if (sep.Length == 0)
        {
            throw new TemplateRuntimeException("empty separator");
        }

        int from = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            int at = s.IndexOf(sep, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            parts.Add(s[from..at]);
            from = at + sep.Length;
        }

        parts.Add(s[from..]);
        return parts;
    }

    private static List<object?> RSplit(string s, string? sep, int maxSplit)
    {
        if (maxSplit < 0 || sep is null)
        {
            if (sep is null && maxSplit >= 0)
            {
                // Whitespace rsplit with a limit: split from the right on runs of whitespace.
                var words = Split(s, null, -1);
                if (words.Count <= maxSplit + 1)
                {
                    return words;
                }

                string trimmed = s.TrimEnd(Lexer.PyWhitespace);
                int cut = trimmed.Length;
                for (int k = 0; k < maxSplit; k++)
                {
                    cut -= ((string)words[words.Count - 1 - k]!).Length;
                    while (cut > 0 && Lexer.IsPyWhitespace(trimmed[cut - 1]))
                    {
                        cut--;
                    }
                }

                var head = new List<object?> { trimmed[..cut] };
                head.AddRange(words.Skip(words.Count - maxSplit));
                return head;
            }

            return Split(s, sep, -1);
        }

        var parts = new List<object?>();
        int end = s.Length;
        while (parts.Count < maxSplit)
        {
            int at = end - sep.Length < 0 ? -1 : s.LastIndexOf(sep, end - 1, end, StringComparison.Ordinal);
            if (at < 0 || at + sep.Length > end)
            {
                break;
            }

            parts.Insert(0, s[(at + sep.Length)..end]);
            end = at;
        }

        parts.Insert(0, s[..end]);
        return parts;
    }

    private static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0)
        {
            return old.Length == 0 ? string.Join(replacement, Py.CodePoints(s).Prepend("").Append("")) : s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var sb = new StringBuilder();
        int from = 0;
        for (long n = 0; n < count && old.Length > 0; n++)
        {
            int at = s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            sb.Append(s, from, at - from).Append(replacement);
            from = at + old.Length;
        }

        return sb.Append(s, from, s.Length - from).ToString();
    }

    /// <summary>Python's <c>str.title</c>: a letter after a non-letter is upper-cased, every other letter lower-cased.</summary>
    private static string PyTitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool previousCased = false;
        foreach (char c in s)
        {
            sb.Append(previousCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousCased = char.IsLetter(c);
        }

        return sb.ToString();
    }

    /// <summary><c>str.format</c> with <c>{}</c>, <c>{0}</c> and <c>{name}</c> fields; format specs are not supported.</summary>
    private static string Format(string s, Args args)
    {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '{' && i + 1 < s.Length && s[i + 1] == '{')
            {
                sb.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < s.Length && s[i + 1] == '}')
            {
                sb.Append('}');
                i++;
            }
            else if (c == '{')
            {
                int close = s.IndexOf('}', i);
                if (close < 0)
                {
                    throw new TemplateRuntimeException("Single '{' encountered in format string");
                }

                string field = s[(i + 1)..close];
                object? value = field.Length == 0 ? args.Get(auto++, "\0")
                    : int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out int position) ? args.Get(position, "\0", Undefined.Instance)
                    : args.Get(-1, field, Undefined.Instance);
                if (value is Undefined)
                {
                    throw new TemplateRuntimeException($"format field '{field}' has no argument");
                }

                sb.Append(Py.Str(value));
                i = close;
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
