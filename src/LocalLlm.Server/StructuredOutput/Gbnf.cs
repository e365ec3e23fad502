using System.Globalization;
using System.Text;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>GBNF (llama.cpp grammar) text pieces: literals, character classes and rule names.</summary>
internal static class Gbnf
{
    /// <summary>
    /// The largest repetition count written or accepted: llama.cpp expands <c>x{m,n}</c> into about n rules while parsing,
    /// so an unchecked count from a request could exhaust memory.
    /// </summary>
    public const int MaxRepetition = 1000;

    /// <summary>A GBNF string literal matching exactly <paramref name="text"/>.</summary>
    public static string Literal(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (char c in text)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }

        return literal.Append('"').ToString();
    }

    /// <summary>
    /// A character class over inclusive code point ranges; <paramref name="negated"/> matches every other code point.
    /// Every character that is not a letter or digit is written as an escape, so no range end can be read as syntax.
    /// </summary>
    public static string CharClass(IEnumerable<(int First, int Last)> ranges, bool negated = false)
    {
        var text = new StringBuilder(negated ? "[^" : "[");
        foreach ((int first, int last) in ranges)
        {
            text.Append(ClassChar(first));
            if (last != first)
            {
                text.Append('-').Append(ClassChar(last));
            }
        }

        return text.Append(']').ToString();
    }

    /// <summary>A rule name from free text: GBNF names allow only letters, digits and dashes.</summary>
    public static string RuleName(string hint)
    {
        var name = new StringBuilder();
        foreach (char c in hint)
        {
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
            if (ok)
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '-')
            {
                name.Append('-');
            }
        }

        string trimmed = name.ToString().Trim('-');
        return trimmed.Length == 0 ? "r" : trimmed;
    }

    /// <summary><paramref name="item"/> repeated min to max times (max null: unbounded), in GBNF's repetition syntax.</summary>
    public static string Repeat(string item, int min, int? max) => (min, max) switch
    {
        (0, null) => $"{item}*",
        (1, null) => $"{item}+",
        (_, null) => $"{item}{{{min},}}",
        (0, 1) => $"{item}?",
        (1, 1) => item,
        (_, int m) when m == min => $"{item}{{{min}}}",
        (_, int m) => $"{item}{{{min},{m}}}",
    };

    /// <summary>
    /// The largest count in any <c>{m}</c>, <c>{m,}</c> or <c>{m,n}</c> of a grammar, outside literals, classes and
    /// comments; 0 when there is none. Counts too long to parse read as <see cref="int.MaxValue"/>.
    /// </summary>
    public static int LargestRepetition(string grammar)
    {
        int largest = 0;
        for (int i = 0; i < grammar.Length; i++)
        {
            switch (grammar[i])
            {
                case '"':
                    i = SkipQuoted(grammar, i, '"');
                    break;
                case '[':
                    i = SkipQuoted(grammar, i, ']');
                    break;
                case '#':
                    int end = grammar.IndexOf('\n', i);
                    i = end < 0 ? grammar.Length : end;
                    break;
                case '{':
                    int close = grammar.IndexOf('}', i);
                    if (close > i)
                    {
                        foreach (string count in grammar[(i + 1)..close].Split(','))
                        {
                            string digits = count.Trim();
                            if (digits.Length > 0 && digits.All(char.IsAsciiDigit))
                            {
                                largest = Math.Max(largest, int.TryParse(digits, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue);
                            }
                        }
                    }

                    break;
            }
        }

        return largest;
    }

    /// <summary>The index of the unescaped <paramref name="closing"/> that ends the literal or class opened at <paramref name="start"/>.</summary>
    private static int SkipQuoted(string grammar, int start, char closing)
    {
        int i = start + 1;
        while (i < grammar.Length && grammar[i] != closing)
        {
            i += grammar[i] == '\\' ? 2 : 1;
        }

        return i;
    }

    private static string ClassChar(int codePoint) => codePoint switch
    {
        (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') => ((char)codePoint).ToString(),
        <= 0xFF => "\\x" + codePoint.ToString("X2", CultureInfo.InvariantCulture),
        <= 0xFFFF => "\\u" + codePoint.ToString("X4", CultureInfo.InvariantCulture),
        _ => "\\U" + codePoint.ToString("X8", CultureInfo.InvariantCulture),
    };
}
