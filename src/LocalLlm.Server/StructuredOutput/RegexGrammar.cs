using System.Globalization;
using System.Text;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// Translates a JSON Schema <c>pattern</c> (an ECMA-262 regex) into GBNF for the content of a JSON string. The subset:
/// literals and escapes, <c>.</c>, classes, <c>\d \w \s</c> and their negations, groups (capturing, non-capturing,
/// named), alternation, and the quantifiers <c>* + ? {n} {n,} {n,m}</c> (lazy ones too); <c>^</c> and <c>$</c> only at
/// the ends. Lookarounds, backreferences, word boundaries and Unicode properties are refused. Every generated string
/// matches in both ECMA and .NET dialects: classes are narrowed to what a JSON string holds unescaped (plus escaped
/// quote, backslash and newline, tab and carriage return), shorthand negations and <c>\s</c> to ASCII. A pattern not
/// anchored at an end admits any text there.
/// </summary>
internal sealed partial class RegexGrammar
{
    private readonly GbnfRuleSet _rules;
    private readonly int[] _pattern;
    private readonly string _path;
    private int _at;

    private RegexGrammar(GbnfRuleSet rules, string pattern, string path)
    {
        _rules = rules;
        _pattern = [.. pattern.EnumerateRunes().Select(r => r.Value)];
        _path = path;
    }

    /// <summary>GBNF for the characters between a string's quotes.</summary>
    public static string Translate(GbnfRuleSet rules, string pattern, string path) => new RegexGrammar(rules, pattern, path).Translate();

    private string Translate()
    {
        int end = _pattern.Length;
        bool anchoredStart = end > 0 && _pattern[0] == '^';
        bool anchoredEnd = end > 0 && _pattern[^1] == '$' && !IsEscaped(end - 1);
        _at = anchoredStart ? 1 : 0;
        int stop = anchoredEnd ? end - 1 : end;
        List<string> branches = Alternation(stop);
        if (_at != stop)
        {
            throw Fail(_pattern[_at] == ')' ? "An unmatched ')'" : $"Unexpected '{Char(_pattern[_at])}'");
        }

        if (branches.Count > 1 && (anchoredStart || anchoredEnd))
        {
            throw Fail("Anchors around a top-level '|' are ambiguous; group the alternatives: '^(a|b)$'");
        }

        string body = Join(branches);
        string any = _rules.Primitive("char") + "*";
        return $"{(anchoredStart ? "" : any + " ")}{body}{(anchoredEnd ? "" : " " + any)}".Trim();
    }

    private List<string> Alternation(int stop)
    {
        var branches = new List<string> { Sequence(stop) };
        while (_at < stop && _pattern[_at] == '|')
        {
            _at++;
            branches.Add(Sequence(stop));
        }

        return branches;
    }

    private string Sequence(int stop)
    {
        var items = new List<string>();
        while (_at < stop && _pattern[_at] is not ('|' or ')'))
        {
            string atom = Atom(stop);
            items.Add(Quantified(atom, stop));
        }

        return items.Count == 0 ? "\"\"" : string.Join(" ", items);
    }

    private string Atom(int stop)
    {
        int c = _pattern[_at++];
        switch (c)
        {
            case '(':
                if (Peek('?'))
                {
                    bool named = _at + 2 < stop && _pattern[_at + 1] == '<' && _pattern[_at + 2] is not ('=' or '!');
                    if (!(_at + 1 < stop && _pattern[_at + 1] == ':') && !named)
                    {
                        throw Fail("Lookarounds and inline flags are not supported");
                    }

                    _at = named ? Array.IndexOf(_pattern, '>', _at) + 1 : _at + 2;
                    if (_at == 0)
                    {
                        throw Fail("An unterminated group name");
                    }
                }

                List<string> branches = Alternation(stop);
                if (_at >= stop || _pattern[_at] != ')')
                {
                    throw Fail("A '(' without its ')'");
                }

                _at++;
                return $"( {Join(branches)} )";
            case '[':
                return Emit(Class(stop));
            case '.':
                return Emit(CodePointSet.Plain.Except(CodePointSet.Of((0x2028, 0x2029))));
            case '\\':
                return Escape(stop, out CodePointSet? set, out int single) ? Emit(set!) : Emit(CodePointSet.Of((single, single)));
            case '^' or '$':
                throw Fail($"'{Char(c)}' is supported only at the start or end of the pattern");
            case '*' or '+' or '?':
                throw Fail($"'{Char(c)}' has nothing to repeat");
            default:
                return Emit(CodePointSet.Of((c, c)));
        }
    }

    private string Quantified(string atom, int stop)
    {
        bool braces = _at < stop && _pattern[_at] == '{';
        (int Min, int? Max)? repeat = _at >= stop ? null : _pattern[_at] switch
        {
            '*' => (0, null),
            '+' => (1, null),
            '?' => (0, 1),
            '{' => Braces(stop),
            _ => null,
        };
        if (repeat is not { } r)
        {
            return atom;
        }

        if (!braces)
        {
            _at++;
        }

        if (Peek('?'))
        {
            _at++; // Lazy: the same strings, only matched in another order.
        }

        if (_at < stop && (_pattern[_at] is '*' or '+' or '?' || (_pattern[_at] == '{' && BracesAhead(stop))))
        {
            throw Fail("A quantifier after a quantifier is not supported");
        }

        if (r.Max > Gbnf.MaxRepetition || r.Min > Gbnf.MaxRepetition || r.Min > r.Max)
        {
            throw Fail($"Repetition {{{r.Min},{r.Max}}} is out of range (at most {Gbnf.MaxRepetition}, min not above max)");
        }

        return Gbnf.Repeat(atom, r.Min, r.Max);
    }

    /// <summary>Reads <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c> and moves past it; anything else leaves <c>{</c> a literal, as ECMA does.</summary>
    private (int, int?)? Braces(int stop)
    {
        int at = _at + 1;
        int? min = Digits(ref at, stop);
        int? max = min;
        if (min is not null && at < stop && _pattern[at] == ',')
        {
            at++;
            max = Digits(ref at, stop);
        }

        if (min is null || at >= stop || _pattern[at] != '}')
        {
            return null;
        }

        _at = at + 1;
        return (min.Value, max);
    }

    private bool BracesAhead(int stop)
    {
        int saved = _at;
        bool quantifier = Braces(stop) is not null;
        _at = saved;
        return quantifier;
    }

    private int? Digits(ref int at, int stop)
    {
        int start = at;
        while (at < stop && _pattern[at] is >= '0' and <= '9')
        {
            at++;
        }

        string digits = string.Concat(_pattern[start..at].Select(Char));
        return digits.Length == 0 ? null : int.TryParse(digits, CultureInfo.InvariantCulture, out int n) ? n : int.MaxValue;
    }

    private static string Join(List<string> branches) => branches.Count == 1 ? branches[0] : $"( {string.Join(" | ", branches)} )";

    private bool Peek(int c) => _at < _pattern.Length && _pattern[_at] == c;

    private bool IsEscaped(int index)
    {
        int backslashes = 0;
        for (int i = index - 1; i >= 0 && _pattern[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static string Char(int codePoint) => char.ConvertFromUtf32(codePoint);

    private UnsupportedSchemaException Fail(string reason) =>
        new(_path, $"Pattern '{string.Concat(_pattern.Select(Char))}' is not supported: {reason}");
}
