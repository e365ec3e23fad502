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
}
