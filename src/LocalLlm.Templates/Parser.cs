namespace LocalLlm.Templates;

/// <summary>Recursive-descent parser from tokens to statements, following Jinja's grammar and precedence.</summary>
internal sealed partial class Parser
{
    /// <summary>Nesting limit for blocks and expressions, so hostile templates cannot exhaust the stack.</summary>
    public const int MaxNesting = 200;

    private readonly List<Token> _tokens;
    private int _index;
    private int _nesting;
    private int _loopDepth;

    private Parser(List<Token> tokens)
    {
        _tokens = tokens;
    }

    private Token Current => _tokens[_index];

    private Token Peek(int offset = 1) => _tokens[Math.Min(_index + offset, _tokens.Count - 1)];

    public static Stmt[] Parse(string source)
    {
        var parser = new Parser(Lexer.Tokenize(source));
        Stmt[] body = parser.ParseBody([]);
        if (parser.Current.Kind != TokenKind.End)
        {
            throw parser.Error($"Unexpected '{parser.Current.Value}'");
        }

        return body;
    }

    private TemplateException Error(string message, Token? at = null)
    {
        Token t = at ?? Current;
        return new TemplateException(message, t.Line, t.Column);
    }

    private Token Next() => _tokens[_index < _tokens.Count - 1 ? _index++ : _index];

    private Token Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Error($"Expected {what}, got {Current}");
        }

        return Next();
    }

    private void ExpectOperator(string op)
    {
        if (!Current.IsOperator(op))
        {
            throw Error($"Expected '{op}', got {Current}");
        }

        Next();
    }

    private bool SkipOperator(string op)
    {
        if (Current.IsOperator(op))
        {
            Next();
            return true;
        }

        return false;
    }

    private bool SkipName(string name)
    {
        if (Current.IsName(name))
        {
            Next();
            return true;
        }

        return false;
    }

    private void Enter()
    {
        if (++_nesting > MaxNesting)
        {
            throw Error($"Template nests deeper than {MaxNesting} levels");
        }
    }

    /// <summary>Parses statements until a block tag named in <paramref name="endTags"/>, left for the caller to consume.</summary>
    private Stmt[] ParseBody(string[] endTags)
    {
        Enter();
        var body = new List<Stmt>();
        while (true)
        {
            Token t = Current;
            switch (t.Kind)
            {
                case TokenKind.Text:
                    Next();
                    body.Add(new TextStmt(t.Line, t.Column, t.Value));
                    break;
                case TokenKind.VariableBegin:
                    Next();
                    Expr value = ParseTuple(true);
                    Expect(TokenKind.VariableEnd, "'}}'");
                    body.Add(new OutputStmt(t.Line, t.Column, value));
                    break;
                case TokenKind.BlockBegin:
                    Token name = Peek();
                    if (name.Kind == TokenKind.Name && Array.IndexOf(endTags, name.Value) >= 0)
                    {
                        _nesting--;
                        return [.. body];
                    }

                    Next();
                    body.Add(ParseStatement(t));
                    break;
                case TokenKind.End:
                    if (endTags.Length > 0)
                    {
                        throw Error($"Unexpected end of template. Jinja was looking for the following tags: {string.Join(" or ", endTags.Select(e => $"'{e}'"))}.");
                    }

                    _nesting--;
                    return [.. body];
                default:
                    throw Error($"Unexpected {t}");
            }
        }
    }

    /// <summary>Consumes <c>{% name %}</c> (the block-begin token is current).</summary>
    private void ExpectEndTag(string name)
    {
        Expect(TokenKind.BlockBegin, $"'{{% {name} %}}'");
        if (!Current.IsName(name))
        {
            throw Error($"Expected '{name}', got {Current}");
        }

        Next();
        Expect(TokenKind.BlockEnd, "'%}'");
    }

    private string TagAt() => Peek().Value;

    private Stmt ParseStatement(Token open)
    {
        Token keyword = Expect(TokenKind.Name, "a statement name");
        int line = keyword.Line, column = open.Column;
        switch (keyword.Value)
        {
            case "if":
                return ParseIf(line, column);
            case "for":
                return ParseFor(line, column);
            case "set":
                return ParseSet(line, column);
            case "macro":
                return ParseMacro(line, column);
            case "call":
                return ParseCallBlock(line, column);
            case "filter":
                FilterExpr[] filters = ParseFilterChain(null);
                Expect(TokenKind.BlockEnd, "'%}'");
                Stmt[] filtered = ParseBody(["endfilter"]);
                ExpectEndTag("endfilter");
                return new FilterBlockStmt(line, column, filters, filtered);
            case "break" or "continue":
                if (_loopDepth == 0)
                {
                    throw Error($"'{keyword.Value}' outside of a loop", keyword);
                }

                Expect(TokenKind.BlockEnd, "'%}'");
                return new LoopControlStmt(line, column, keyword.Value == "break" ? Flow.Break : Flow.Continue);
            case "with":
                return ParseWith(line, column);
            default:
                throw Error($"Encountered unknown tag '{keyword.Value}'.", keyword);
        }
    }

    private IfStmt ParseIf(int line, int column)
    {
        var tests = new List<Expr> { ParseTuple(false) };
        Expect(TokenKind.BlockEnd, "'%}'");
        var bodies = new List<Stmt[]> { ParseBody(["elif", "else", "endif"]) };
        Stmt[]? otherwise = null;
        while (true)
        {
            Expect(TokenKind.BlockBegin, "'{%'");
            string tag = Next().Value;
            if (tag == "elif")
            {
                tests.Add(ParseTuple(false));
                Expect(TokenKind.BlockEnd, "'%}'");
                bodies.Add(ParseBody(["elif", "else", "endif"]));
            }
            else if (tag == "else")
            {
                Expect(TokenKind.BlockEnd, "'%}'");
                otherwise = ParseBody(["endif"]);
                ExpectEndTag("endif");
                break;
            }
            else
            {
                Expect(TokenKind.BlockEnd, "'%}'");
                break;
            }
        }

        return new IfStmt(line, column, [.. tests], [.. bodies], otherwise);
    }

    private ForStmt ParseFor(int line, int column)
    {
        string[] targets = ParseTargets();
        if (!SkipName("in"))
        {
            throw Error($"Expected 'in', got {Current}");
        }

        Expr iterable = ParseTuple(withCondExpr: false);
        Expr? filter = SkipName("if") ? ParseExpression() : null;
        if (Current.IsName("recursive"))
        {
            throw Error("Recursive loops are not supported");
        }

        Expect(TokenKind.BlockEnd, "'%}'");
        _loopDepth++;
        Stmt[] body = ParseBody(["endfor", "else"]);
        _loopDepth--;
        Stmt[]? otherwise = null;
        if (TagAt() == "else")
        {
            ExpectEndTag("else");
            otherwise = ParseBody(["endfor"]);
        }

        ExpectEndTag("endfor");
        return new ForStmt(line, column, targets, iterable, filter, body, otherwise);
    }

    private string[] ParseTargets()
    {
        bool parenthesized = SkipOperator("(");
        var names = new List<string> { Expect(TokenKind.Name, "a variable name").Value };
        while (SkipOperator(","))
        {
            if (Current.Kind != TokenKind.Name || Current.IsName("in"))
            {
                break;
            }

            names.Add(Next().Value);
        }

        if (parenthesized)
        {
            ExpectOperator(")");
        }

        return [.. names];
    }
}
