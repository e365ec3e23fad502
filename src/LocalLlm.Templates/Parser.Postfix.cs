using System.Globalization;

namespace LocalLlm.Templates;

/// <summary>Postfix parts of expressions: member access, subscripts, calls, filters and tests.</summary>
internal sealed partial class Parser
{
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
