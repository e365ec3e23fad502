namespace LocalLlm.Templates;

internal sealed partial class Lexer
{
    /// <summary>
    /// <c>{% raw %}...{% endraw %}</c>: the body is literal text. As in Jinja the opening tag does not trim the
    /// following newline; the closing tag honours whitespace control, lstrip_blocks and trim_blocks.
    /// </summary>
    private bool TryLexRaw(int open, int afterOpen)
    {
        int p = afterOpen;
        while (p < _src.Length && IsPyWhitespace(_src[p]))
        {
            p++;
        }

        if (string.CompareOrdinal(_src, p, "raw", 0, 3) != 0 || (p + 3 < _src.Length && (char.IsLetterOrDigit(_src[p + 3]) || _src[p + 3] == '_')))
        {
            return false;
        }

        p += 3;
        while (p < _src.Length && IsPyWhitespace(_src[p]))
        {
            p++;
        }

        bool stripOpen = p < _src.Length && _src[p] == '-';
        if (stripOpen || (p < _src.Length && _src[p] == '+'))
        {
            p++;
        }

        if (string.CompareOrdinal(_src, p, "%}", 0, 2) != 0)
        {
            return false;
        }

        p += 2;
        if (stripOpen)
        {
            while (p < _src.Length && IsPyWhitespace(_src[p]))
            {
                p++;
            }
        }

        int search = p;
        while (true)
        {
            int tag = _src.IndexOf("{%", search, StringComparison.Ordinal);
            if (tag < 0)
            {
                throw Error("Missing '{% endraw %}'", open);
            }

            int q = tag + 2;
            char sign = q < _src.Length ? _src[q] : '\0';
            if (sign is '-' or '+')
            {
                q++;
            }

            while (q < _src.Length && IsPyWhitespace(_src[q]))
            {
                q++;
            }

            if (string.CompareOrdinal(_src, q, "endraw", 0, 6) != 0)
            {
                search = tag + 2;
                continue;
            }

            q += 6;
            while (q < _src.Length && IsPyWhitespace(_src[q]))
            {
                q++;
            }

            bool stripClose = q < _src.Length && _src[q] == '-';
            bool keepClose = q < _src.Length && _src[q] == '+';
            if (stripClose || keepClose)
            {
                q++;
            }

            if (string.CompareOrdinal(_src, q, "%}", 0, 2) != 0)
            {
                search = tag + 2;
                continue;
            }

            string body = _src[p..tag];
            if (sign == '-')
            {
                body = body.TrimEnd(PyWhitespace);
            }
            else if (sign != '+')
            {
                int lineBegin = body.LastIndexOf('\n') + 1;
                if (lineBegin > 0 && IsBlank(body, lineBegin))
                {
                    body = body[..lineBegin];
                }
            }

            Advance(p);
            if (body.Length > 0)
            {
                Emit(TokenKind.Text, body, p);
            }

            Advance(q + 2);
            AfterTag(stripClose, trimNewline: !keepClose);
            return true;
        }
    }
}
