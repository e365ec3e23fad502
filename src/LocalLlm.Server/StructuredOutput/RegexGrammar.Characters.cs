using System.Globalization;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>Characters of a pattern: classes, escapes, and how a set of code points is written inside a JSON string.</summary>
internal sealed partial class RegexGrammar
{
    private static readonly CodePointSet s_digit = CodePointSet.Of(('0', '9'));
    private static readonly CodePointSet s_word = CodePointSet.Of(('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z'));
    private static readonly CodePointSet s_space = CodePointSet.Of((' ', ' '));

    /// <summary>Whitespace in any dialect; <c>\S</c> generates none of it.</summary>
    private static readonly CodePointSet s_anySpace = CodePointSet.Of((0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A),
        (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF));

    /// <summary>Characters written as two-character JSON escapes when a pattern asks for them.</summary>
    private static readonly int[] s_escapable = ['"', '\\', '\n', '\t', '\r'];

    private CodePointSet Class(int stop)
    {
        bool negated = Peek('^');
        _at += negated ? 1 : 0;
        CodePointSet set = CodePointSet.Empty;
        while (_at < stop && _pattern[_at] != ']')
        {
            CodePointSet item = ClassAtom(stop, out int low);
            if (low >= 0 && _at + 1 < stop && _pattern[_at] == '-' && _pattern[_at + 1] != ']')
            {
                _at++;
                _ = ClassAtom(stop, out int high);
                if (high < low)
                {
                    throw Fail("A class range whose end is below its start");
                }

                item = CodePointSet.Of((low, high));
            }

            set = set.Union(item);
        }

        if (_at >= stop)
        {
            throw Fail("A '[' without its ']'");
        }

        _at++;
        return negated ? set.Complement() : set;
    }

    /// <summary>One class member; <paramref name="single"/> is its code point, or -1 for a shorthand such as <c>\d</c>.</summary>
    private CodePointSet ClassAtom(int stop, out int single)
    {
        int c = _pattern[_at++];
        if (c == '\\')
        {
            if (Peek('b'))
            {
                _at++;
                single = '\b';
                return CodePointSet.Of(('\b', '\b'));
            }

            if (Escape(stop, out CodePointSet? set, out single))
            {
                single = -1;
                return set!;
            }

            return CodePointSet.Of((single, single));
        }

        single = c;
        return CodePointSet.Of((c, c));
    }

    /// <summary>Reads an escape after its backslash: true with a class for shorthands, else false with one code point.</summary>
    private bool Escape(int stop, out CodePointSet? set, out int single)
    {
        if (_at >= stop)
        {
            throw Fail("A trailing backslash");
        }

        int c = _pattern[_at++];
        set = c switch
        {
            'd' => s_digit,
            'w' => s_word,
            's' => s_space,
            'D' => CodePointSet.PrintableAscii.Except(s_digit),
            'W' => CodePointSet.PrintableAscii.Except(s_word),
            'S' => CodePointSet.PrintableAscii.Except(s_anySpace),
            _ => null,
        };
        single = c switch
        {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'f' => '\f',
            'v' => '\v',
            '0' when !(_at < stop && _pattern[_at] is >= '0' and <= '9') => 0,
            'x' => Hex(2, stop),
            'u' => Hex(4, stop),
            _ when set is not null => -1,
            _ when c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') =>
                throw Fail($"The escape '\\{Char(c)}' (backreferences, boundaries, Unicode properties) is not supported"),
            _ => c,
        };
        return set is not null;
    }

    private int Hex(int digits, int stop)
    {
        if (_at + digits > stop || !int.TryParse(string.Concat(_pattern[_at..(_at + digits)].Select(Char)), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int value))
        {
            throw Fail($"A malformed hex escape (expected {digits} hex digits)");
        }

        _at += digits;
        return value;
    }

    /// <summary>
    /// GBNF for one character of <paramref name="set"/>: unescaped where JSON allows, escaped for quote, backslash and the
    /// common control characters; the rest (other controls, DEL, surrogates) is never generated.
    /// </summary>
    private string Emit(CodePointSet set)
    {
        var alternatives = new List<string>();
        CodePointSet plain = set.Intersect(CodePointSet.Plain);
        if (!plain.IsEmpty)
        {
            alternatives.Add(plain.Ranges.Count == 1 && plain.Ranges[0].First == plain.Ranges[0].Last
                ? Gbnf.Literal(char.ConvertFromUtf32(plain.Ranges[0].First))
                : Gbnf.CharClass(plain.Ranges));
        }

        alternatives.AddRange(s_escapable.Where(set.Contains).Select(c => Gbnf.Literal(JsonLiterals.Quoted(((char)c).ToString())[1..^1])));
        return alternatives.Count switch
        {
            0 => throw Fail("A character class that admits no character a JSON string can carry"),
            1 => alternatives[0],
            _ => $"( {string.Join(" | ", alternatives)} )",
        };
    }
}
