using System.Globalization;

namespace LocalLlm.Templates;

internal sealed partial class Parser
{
    private static readonly HashSet<string> CompareOperators = new(StringComparer.Ordinal) { "==", "!=", "<", ">", "<=", ">=" };

    private Expr ParseTuple(bool withCondExpr, bool explicitParens = false)
    {
        Token start = Current;
        var items = new List<Expr>();
        bool sawComma = false;
        while (true)
        {
            if (items.Count > 0)
            {
                if (!SkipOperator(","))
                {
                    break;
                }

                sawComma = true;
            }

            if (Current.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.End || Current.IsOperator(")") || Current.IsName("in"))
            {
                break;
            }

            items.Add(withCondExpr ? ParseExpression() : ParseOr());
        }

        if (!sawComma)
        {
            if (items.Count == 0)
            {
                return explicitParens ? new ListExpr(start.Line, [], tuple: true) : throw Error($"Expected an expression, got {Current}");
            }

            return items[0];
        }

        return new ListExpr(start.Line, [.. items], tuple: true);
    }

    private Expr ParseExpression()
    {
        Enter();
        Expr result = ParseCondExpr();
        _nesting--;
        return result;
    }

    private Expr ParseCondExpr()
    {
        Expr expr = ParseOr();
        while (Current.IsName("if"))
        {
            int line = Next().Line;
            Expr test = ParseOr();
            Expr? otherwise = SkipName("else") ? ParseCondExpr() : null;
            expr = new CondExpr(line, test, expr, otherwise);
        }

        return expr;
    }

    private Expr ParseOr()
    {
        Expr left = ParseAnd();
        while (Current.IsName("or"))
        {
            int line = Next().Line;
            left = new LogicalExpr(line, false, left, ParseAnd());
        }

        return left;
    }

    private Expr ParseAnd()
    {
        Expr left = ParseNot();
        while (Current.IsName("and"))
        {
            int line = Next().Line;
            left = new LogicalExpr(line, true, left, ParseNot());
        }

        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            int line = Next().Line;
            Enter();
            Expr operand = ParseNot();
            _nesting--;
            return new UnaryExpr(line, "not", operand);
        }

        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        int line = Current.Line;
        Expr first = ParseMath1();
        var ops = new List<string>();
        var rest = new List<Expr>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && CompareOperators.Contains(Current.Value))
            {
                ops.Add(Next().Value);
            }
            else if (Current.IsName("in"))
            {
                Next();
                ops.Add("in");
            }
            else if (Current.IsName("not") && Peek().IsName("in"))
            {
                Next();
                Next();
                ops.Add("notin");
            }
            else
            {
                break;
            }

            rest.Add(ParseMath1());
        }

        return ops.Count == 0 ? first : new CompareExpr(line, first, [.. ops], [.. rest]);
    }

    private Expr ParseMath1()
    {
        Expr left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            Token op = Next();
            left = new BinaryExpr(op.Line, op.Value, left, ParseConcat());
        }

        return left;
    }

    private Expr ParseConcat()
    {
        Expr first = ParseMath2();
        if (!Current.IsOperator("~"))
        {
            return first;
        }

        var parts = new List<Expr> { first };
        while (SkipOperator("~"))
        {
            parts.Add(ParseMath2());
        }

        return new ConcatExpr(first.Line, [.. parts]);
    }

    private Expr ParseMath2()
    {
        Expr left = ParsePow();
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            Token op = Next();
            left = new BinaryExpr(op.Line, op.Value, left, ParsePow());
        }

        return left;
    }

    private Expr ParsePow()
    {
        Expr left = ParseUnary(true);
        while (Current.IsOperator("**"))
        {
            Token op = Next();
            left = new BinaryExpr(op.Line, "**", left, ParseUnary(true));
        }

        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        Enter();
        Expr node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            Token op = Next();
            node = new UnaryExpr(op.Line, op.Value, ParseUnary(false));
        }
        else
        {
            node = ParsePrimary();
        }

        node = ParsePostfix(node);
        if (withFilter)
        {
            node = ParseFilterExpr(node);
        }

        _nesting--;
        return node;
    }

    private Expr ParsePrimary()
    {
        Token t = Current;
        switch (t.Kind)
        {
            case TokenKind.Name:
                Next();
                return t.Value switch
                {
                    "true" or "True" => new ConstExpr(t.Line, true),
                    "false" or "False" => new ConstExpr(t.Line, false),
                    "none" or "None" => new ConstExpr(t.Line, null),
                    _ => new NameExpr(t.Line, t.Value),
                };
            case TokenKind.String:
                string text = Next().Value;
                while (Current.Kind == TokenKind.String)
                {
                    text += Next().Value;
                }

                return new ConstExpr(t.Line, text);
            case TokenKind.Integer:
                Next();
                return new ConstExpr(t.Line, long.Parse(t.Value, CultureInfo.InvariantCulture));
            case TokenKind.Float:
                Next();
                return new ConstExpr(t.Line, double.Parse(t.Value, CultureInfo.InvariantCulture));
            case TokenKind.Operator when t.Value == "(":
                Next();
                Expr inner = ParseTuple(true, explicitParens: true);
                ExpectOperator(")");
                return inner;
            case TokenKind.Operator when t.Value == "[":
                Next();
                var items = new List<Expr>();
                while (!Current.IsOperator("]"))
                {
                    if (items.Count > 0)
                    {
                        ExpectOperator(",");
                        if (Current.IsOperator("]"))
                        {
                            break;
                        }
                    }

                    items.Add(ParseExpression());
                }

                ExpectOperator("]");
                return new ListExpr(t.Line, [.. items], tuple: false);
            case TokenKind.Operator when t.Value == "{":
                Next();
                var keys = new List<Expr>();
                var values = new List<Expr>();
                while (!Current.IsOperator("}"))
                {
                    if (keys.Count > 0)
                    {
                        ExpectOperator(",");
                        if (Current.IsOperator("}"))
                        {
                            break;
                        }
                    }

                    keys.Add(ParseExpression());
                    ExpectOperator(":");
                    values.Add(ParseExpression());
                }

                ExpectOperator("}");
                return new DictExpr(t.Line, [.. keys], [.. values]);
            default:
                throw Error($"Unexpected {t}");
        }
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            Token t = Current;
            if (t.IsOperator("."))
            {
                Next();
                Token member = Current;
                if (member.Kind == TokenKind.Name)
                {
                    Next();
                    node = new AttrExpr(t.Line, node, member.Value);
                }
                else if (member.Kind == TokenKind.Integer)
                {
                    Next();
                    node = new ItemExpr(t.Line, node, new ConstExpr(t.Line, long.Parse(member.Value, CultureInfo.InvariantCulture)));
                }
                else
                {
                    throw Error($"Expected an attribute name, got {member}");
                }
            }
            else if (t.IsOperator("["))
            {
                Next();
                node = ParseSubscript(node, t.Line);
            }
            else if (t.IsOperator("("))
            {
                node = new CallExpr(t.Line, node, ParseCallArgs());
            }
            else
            {
                return node;
            }
        }
    }

    private Expr ParseSubscript(Expr node, int line)
    {
        Expr? start = null;
        if (!Current.IsOperator(":"))
        {
            start = ParseExpression();
            if (SkipOperator("]"))
            {
                return new ItemExpr(line, node, start);
            }
        }

        ExpectOperator(":");
        Expr? stop = Current.IsOperator(":") || Current.IsOperator("]") ? null : ParseExpression();
        Expr? step = null;
        if (SkipOperator(":") && !Current.IsOperator("]"))
        {
            step = ParseExpression();
        }

        ExpectOperator("]");
        return new SliceExpr(line, node, start, stop, step);
    }

    private ArgList ParseCallArgs()
    {
        ExpectOperator("(");
        var positional = new List<Expr>();
        var named = new List<KeyValuePair<string, Expr>>();
        while (!Current.IsOperator(")"))
        {
            if (positional.Count + named.Count > 0)
            {
                ExpectOperator(",");
                if (Current.IsOperator(")"))
                {
                    break;
                }
            }

            if (Current.IsOperator("*") || Current.IsOperator("**"))
            {
                throw Error("Argument unpacking (*args, **kwargs) is not supported");
            }

            if (Current.Kind == TokenKind.Name && Peek().IsOperator("="))
            {
                string name = Next().Value;
                Next();
                named.Add(new(name, ParseExpression()));
            }
            else
            {
                if (named.Count > 0)
                {
                    throw Error("Positional argument after keyword argument");
                }

                positional.Add(ParseExpression());
            }
        }

        ExpectOperator(")");
        return positional.Count == 0 && named.Count == 0 ? ArgList.Empty : new ArgList([.. positional], [.. named]);
    }

    private Expr ParseFilterExpr(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                node = ParseFilterChain(node, leadingPipe: true)[^1];
            }
            else if (Current.IsName("is"))
            {
                node = ParseTest(node);
            }
            else if (Current.IsOperator("("))
            {
                node = new CallExpr(Current.Line, node, ParseCallArgs());
            }
            else
            {
                return node;
            }
        }
    }

    /// <summary>
    /// Parses <c>| f(args) | g</c>, resolving filters now so an unknown filter is a parse error as in Jinja. With a
    /// null <paramref name="input"/> (filter blocks) each filter's input is supplied at render time.
    /// </summary>
    private FilterExpr[] ParseFilterChain(Expr? input, bool leadingPipe = false)
    {
        var chain = new List<FilterExpr>();
        Expr? current = input;
        bool first = true;
        while (first ? (!leadingPipe || SkipOperator("|")) : SkipOperator("|"))
        {
            first = false;
            Token name = Expect(TokenKind.Name, "a filter name");
            FilterFunction function = Filters.Table.TryGetValue(name.Value, out FilterFunction? f) ? f
                : throw Error($"No filter named '{name.Value}'.", name);
            ArgList args = Current.IsOperator("(") ? ParseCallArgs() : ArgList.Empty;
            var filter = new FilterExpr(name.Line, current, name.Value, function, args);
            chain.Add(filter);
            if (input is not null)
            {
                current = filter;
            }
        }

        return [.. chain];
    }

    private TestExpr ParseTest(Expr node)
    {
        Token isToken = Next();
        bool negated = SkipName("not");
        Token name = Expect(TokenKind.Name, "a test name");
        TestFunction function = Tests.Table.TryGetValue(name.Value, out TestFunction? t) ? t
            : throw Error($"No test named '{name.Value}'.", name);
        ArgList args = ArgList.Empty;
        if (Current.IsOperator("("))
        {
            args = ParseCallArgs();
        }
        else if ((Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float || Current.IsOperator("[") || Current.IsOperator("{"))
            && !Current.IsName("else") && !Current.IsName("or") && !Current.IsName("and") && !Current.IsName("if") && !Current.IsName("in") && !Current.IsName("not") && !Current.IsName("is"))
        {
            args = new ArgList([ParsePostfix(ParsePrimary())], []);
        }

        return new TestExpr(isToken.Line, node, function, args, negated);
    }
}
