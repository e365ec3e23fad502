using System.Globalization;
using System.Text;

namespace LocalLlm.Templates;

internal sealed partial class Lexer
{
    private static readonly string[] TwoCharOperators = ["//", "**", "==", "!=", "<=", ">="];
    private const string OneCharOperators = "+-*/%~()[]{},.:|=<>";

    /// <summary>
    /// Lexes the inside of a tag up to its end marker. End markers only count while brackets are balanced, as in
    /// Jinja, so <c>{{ {'a': {}}}}</c> works. Returns whether the end marker asked to strip following whitespace.
    /// </summary>
    private bool LexExpressionTokens(TokenKind endKind, int open)
    {
        char closeChar = endKind == TokenKind.BlockEnd ? '%' : '}';
        var brackets = new Stack<char>();
        while (true)
        {
            while (_pos < _src.Length && IsPyWhitespace(_src[_pos]))
            {
                Advance(_pos + 1);
            }

            if (_pos >= _src.Length)
            {
                throw Error(endKind == TokenKind.BlockEnd ? "Unexpected end of template: missing '%}'" : "Unexpected end of template: missing '}}'", open);
            }

            if (brackets.Count == 0)
            {
                int endLength = MatchTagEnd(closeChar, out bool strip);
                if (endLength > 0)
                {
                    _tokens.Add(new Token(endKind, "", _line, _pos - _lineStart + 1));
                    Advance(_pos + endLength);
                    return strip;
                }
            }

            char c = _src[_pos];
            int column = _pos - _lineStart + 1;
            if (char.IsLetter(c) || c == '_')
            {
                int end = _pos + 1;
                while (end < _src.Length && (char.IsLetterOrDigit(_src[end]) || _src[end] == '_'))
                {
                    end++;
                }

                _tokens.Add(new Token(TokenKind.Name, _src[_pos..end], _line, column));
                Advance(end);
            }
            else if (char.IsAsciiDigit(c))
            {
                LexNumber(column);
            }
            else if (c is '\'' or '"')
            {
                LexString(c, column);
            }
            else
            {
                string? op = null;
                foreach (string two in TwoCharOperators)
                {
                    if (string.CompareOrdinal(_src, _pos, two, 0, 2) == 0)
                    {
                        op = two;
                        break;
                    }
                }

                if (op is null && OneCharOperators.Contains(c, StringComparison.Ordinal))
                {
                    op = c.ToString();
                }

                if (op is null)
                {
                    throw Error($"Unexpected character '{c}'", _pos);
                }

                if (op is "(" or "[" or "{")
                {
                    brackets.Push(op[0]);
                }
                else if (op is ")" or "]" or "}")
                {
                    char expected = op == ")" ? '(' : op == "]" ? '[' : '{';
                    if (brackets.Count == 0 || brackets.Pop() != expected)
                    {
                        throw Error($"Unexpected '{op}'", _pos);
                    }
                }

                _tokens.Add(new Token(TokenKind.Operator, op, _line, column));
                Advance(_pos + op.Length);
            }
        }
    }

    /// <summary>Length of the tag end marker at the cursor (<c>%}</c>, <c>-%}</c>, <c>+%}</c>, or the <c>}}</c> forms), 0 if none.</summary>
    private int MatchTagEnd(char closeChar, out bool strip)
    {
        strip = false;
        int p = _pos;
        char c = _src[p];
        if ((c == '-' || (c == '+' && closeChar == '%')) && p + 2 < _src.Length && _src[p + 1] == closeChar && _src[p + 2] == '}')
        {
            strip = c == '-';
            return 3;
        }

        return c == closeChar && p + 1 < _src.Length && _src[p + 1] == '}' ? 2 : 0;
    }

    private void LexNumber(int column)
    {
        int p = _pos;
        bool isFloat = false;
        p = SkipDigits(p);
        if (p + 1 < _src.Length && _src[p] == '.' && char.IsAsciiDigit(_src[p + 1]))
        {
            isFloat = true;
            p = SkipDigits(p + 1);
        }

        if (p < _src.Length && _src[p] is 'e' or 'E')
        {
            int q = p + 1;
            if (q < _src.Length && _src[q] is '+' or '-')
            {
                q++;
            }

            if (q < _src.Length && char.IsAsciiDigit(_src[q]))
            {
                isFloat = true;
                p = SkipDigits(q);
            }
        }

        string text = _src[_pos..p].Replace("_", "", StringComparison.Ordinal);
        if (!isFloat && !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw Error("Integer literal too large", _pos);
        }

        _tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, text, _line, column));
        Advance(p);
    }

    private int SkipDigits(int p)
    {
        while (p < _src.Length && (char.IsAsciiDigit(_src[p]) || (_src[p] == '_' && p + 1 < _src.Length && char.IsAsciiDigit(_src[p + 1]))))
        {
            p++;
        }

        return p;
    }

    /// <summary>Decodes like Jinja: Python <c>unicode-escape</c> rules; unknown escapes keep their backslash.</summary>
    private void LexString(char quote, int column)
    {
        int start = _pos;
        int line = _line;
        var sb = new StringBuilder();
        int p = _pos + 1;
        while (true)
        {
            if (p >= _src.Length)
            {
                throw Error("Unterminated string literal", start);
            }

            char c = _src[p];
            if (c == quote)
            {
                p++;
                break;
            }

            if (c != '\\')
            {
                sb.Append(c);
                p++;
                continue;
            }

            if (p + 1 >= _src.Length)
            {
                throw Error("Unterminated string literal", start);
            }

            char e = _src[p + 1];
            p += 2;
            switch (e)
            {
                case '\n': break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'v': sb.Append('\v'); break;
                case 'x': p = AppendHexEscape(sb, p, 2, start); break;
                case 'u': p = AppendHexEscape(sb, p, 4, start); break;
                case 'U': p = AppendHexEscape(sb, p, 8, start); break;
                case >= '0' and <= '7':
                    int value = e - '0';
                    for (int k = 0; k < 2 && p < _src.Length && _src[p] is >= '0' and <= '7'; k++, p++)
                    {
                        value = (value * 8) + (_src[p] - '0');
                    }

                    sb.Append((char)value);
                    break;
                default:
                    sb.Append('\\').Append(e);
                    break;
            }
        }

        _tokens.Add(new Token(TokenKind.String, sb.ToString(), line, column));
        Advance(p);
    }

    private int AppendHexEscape(StringBuilder sb, int p, int digits, int start)
    {
        if (p + digits > _src.Length || !int.TryParse(_src.AsSpan(p, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code) || code > 0x10FFFF || code < 0)
        {
            throw Error("Invalid escape in string literal", start);
        }

        sb.Append(char.ConvertFromUtf32(code is >= 0xD800 and <= 0xDFFF ? 0xFFFD : code));
        return p + digits;
    }
}
