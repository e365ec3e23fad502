namespace LocalLlm.Templates;

/// <summary>
/// Splits a template into text and tag tokens with Hugging Face's settings: <c>trim_blocks</c> (a block or comment
/// tag eats the single newline after it) and <c>lstrip_blocks</c> (spaces and tabs before a block or comment tag on
/// its own line are dropped), plus <c>-</c>/<c>+</c> whitespace control, as Jinja 3.1's lexer does.
/// </summary>
internal sealed partial class Lexer
{
    private readonly string _src;
    private readonly List<Token> _tokens = [];
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private Lexer(string source)
    {
        // Jinja normalizes newlines and drops one trailing newline (keep_trailing_newline=False).
        string normalized = source.Contains('\r', StringComparison.Ordinal) ? source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : source;
        _src = normalized.EndsWith('\n') ? normalized[..^1] : normalized;
    }

    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        bool lineStarting = true;
        while (_pos < _src.Length)
        {
            int start = FindTagStart(_pos);
            if (start < 0)
            {
                Emit(TokenKind.Text, _src[_pos..], _pos);
                Advance(_src.Length);
                break;
            }

            char kind = _src[start + 1];
            char sign = start + 2 < _src.Length ? _src[start + 2] : '\0';
            string text = _src[_pos..start];
            if (sign == '-')
            {
                text = text.TrimEnd(PyWhitespace);
            }
            else if (sign != '+' && kind != '{')
            {
                int lineBegin = text.LastIndexOf('\n') + 1;
                if ((lineBegin > 0 || lineStarting) && IsBlank(text, lineBegin))
                {
                    text = text[..lineBegin];
                }
            }

            if (text.Length > 0)
            {
                Emit(TokenKind.Text, text, _pos);
            }

            Advance(start);
            int tagEnd = kind switch
            {
                '#' => LexComment(),
                '%' => LexBlock(sign),
                _ => LexVariable(sign),
            };
            lineStarting = tagEnd > 0 && _src[tagEnd - 1] == '\n';
        }

        _tokens.Add(new Token(TokenKind.End, "", _line, _pos - _lineStart + 1));
    }

    private int FindTagStart(int from)
    {
        int i = from;
        while (true)
        {
            i = _src.IndexOf('{', i);
            if (i < 0 || i + 1 >= _src.Length)
            {
                return -1;
            }

            char next = _src[i + 1];
            if (next is '{' or '%' or '#')
            {
                return i;
            }

            i++;
        }
    }

    private static bool IsBlank(string text, int from)
    {
        for (int i = from; i < text.Length; i++)
        {
            if (!IsPyWhitespace(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    internal static readonly char[] PyWhitespace = [' ', '\t', '\n', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x1f', '\x85', '\xa0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000'];

    internal static bool IsPyWhitespace(char c) => c <= ' ' ? c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x1f' : Array.IndexOf(PyWhitespace, c) >= 0;

    private int LexComment()
    {
        int open = _pos;
        int close = _src.IndexOf("#}", _pos + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            throw Error("Missing end of comment tag", open);
        }

        bool stripAfter = _src[close - 1] == '-' && close - 1 >= open + 2;
        bool keep = _src[close - 1] == '+' && close - 1 >= open + 2;
        Advance(close + 2);
        AfterTag(stripAfter, trimNewline: !keep);
        return _pos;
    }

    private int LexVariable(char sign)
    {
        int open = _pos;
        _tokens.Add(new Token(TokenKind.VariableBegin, "{{", _line, open - _lineStart + 1));
        Advance(_pos + (sign is '-' or '+' ? 3 : 2));
        bool stripAfter = LexExpressionTokens(TokenKind.VariableEnd, open);
        AfterTag(stripAfter, trimNewline: false);
        return _pos;
    }

    private int LexBlock(char sign)
    {
        int open = _pos;
        int afterOpen = _pos + (sign is '-' or '+' ? 3 : 2);
        if (TryLexRaw(open, afterOpen))
        {
            return _pos;
        }

        _tokens.Add(new Token(TokenKind.BlockBegin, "{%", _line, open - _lineStart + 1));
        Advance(afterOpen);
        bool stripAfter = LexExpressionTokens(TokenKind.BlockEnd, open);
        bool keep = _src[_pos - 3] == '+';
        AfterTag(stripAfter, trimNewline: !keep);
        return _pos;
    }

    /// <summary>After a closing tag: <c>-</c> strips all following whitespace; trim_blocks eats one newline.</summary>
    private void AfterTag(bool stripAfter, bool trimNewline)
    {
        int p = _pos;
        if (stripAfter)
        {
            while (p < _src.Length && IsPyWhitespace(_src[p]))
            {
                p++;
            }
        }
        else if (trimNewline && p < _src.Length && _src[p] == '\n')
        {
            p++;
        }

        Advance(p);
    }

    /// <summary>Text tokens start at <see cref="_pos"/>, so the current line bookkeeping is theirs.</summary>
    private void Emit(TokenKind kind, string value, int at) => _tokens.Add(new Token(kind, value, _line, at - _lineStart + 1));

    /// <summary>Moves to <paramref name="to"/>, keeping line bookkeeping for error positions.</summary>
    private void Advance(int to)
    {
        for (int i = _pos; i < to; i++)
        {
            if (_src[i] == '\n')
            {
                _line++;
                _lineStart = i + 1;
            }
        }

        _pos = to;
    }

    private TemplateException Error(string message, int at)
    {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < _src.Length; i++)
        {
            if (_src[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new TemplateException(message, line, at - lineStart + 1);
    }
}
