namespace LocalLlm.Templates;

/// <summary>Assignment and block statements: set, macro, call, with.</summary>
internal sealed partial class Parser
{
    private Stmt ParseSet(int line, int column)
    {
        if (Current.Kind == TokenKind.Name && Peek().IsOperator("."))
        {
            string target = Next().Value;
            Next();
            string attribute = Expect(TokenKind.Name, "an attribute name").Value;
            ExpectOperator("=");
            Expr value = ParseTuple(true);
            Expect(TokenKind.BlockEnd, "'%}'");
            return new SetStmt(line, column, [target], attribute, value);
        }

        string[] targets = ParseTargets();
        if (SkipOperator("="))
        {
            Expr value = ParseTuple(true);
            Expect(TokenKind.BlockEnd, "'%}'");
            return new SetStmt(line, column, targets, null, value);
        }

        if (targets.Length != 1)
        {
            throw Error("A block set takes a single name");
        }

        FilterExpr[] filters = Current.IsOperator("|") ? ParseFilterChain(null, leadingPipe: true) : [];
        Expect(TokenKind.BlockEnd, "'%}'");
        Stmt[] body = ParseBody(["endset"]);
        ExpectEndTag("endset");
        return new SetBlockStmt(line, column, targets[0], filters, body);
    }

    private MacroStmt ParseMacro(int line, int column)
    {
        string name = Expect(TokenKind.Name, "a macro name").Value;
        (string[] parameters, Expr?[] defaults) = ParseSignature();
        Expect(TokenKind.BlockEnd, "'%}'");
        int loops = _loopDepth;
        _loopDepth = 0;
        Stmt[] body = ParseBody(["endmacro"]);
        _loopDepth = loops;
        ExpectEndTag("endmacro");
        return new MacroStmt(line, column, name, parameters, defaults, body);
    }

    private CallBlockStmt ParseCallBlock(int line, int column)
    {
        (string[] parameters, Expr?[] defaults) = Current.IsOperator("(") ? ParseSignature() : ([], []);
        if (ParseExpression() is not CallExpr call)
        {
            throw Error("Expected a call in the call block");
        }

        Expect(TokenKind.BlockEnd, "'%}'");
        Stmt[] body = ParseBody(["endcall"]);
        ExpectEndTag("endcall");
        return new CallBlockStmt(line, column, call, parameters, defaults, body);
    }

    private (string[] Parameters, Expr?[] Defaults) ParseSignature()
    {
        ExpectOperator("(");
        var names = new List<string>();
        var defaults = new List<Expr?>();
        while (!Current.IsOperator(")"))
        {
            if (names.Count > 0)
            {
                ExpectOperator(",");
                if (Current.IsOperator(")"))
                {
                    break;
                }
            }

            names.Add(Expect(TokenKind.Name, "a parameter name").Value);
            defaults.Add(SkipOperator("=") ? ParseExpression() : null);
        }

        ExpectOperator(")");
        return ([.. names], [.. defaults]);
    }

    private WithStmt ParseWith(int line, int column)
    {
        var names = new List<string>();
        var values = new List<Expr>();
        while (Current.Kind != TokenKind.BlockEnd)
        {
            if (names.Count > 0)
            {
                ExpectOperator(",");
            }

            names.Add(Expect(TokenKind.Name, "a variable name").Value);
            ExpectOperator("=");
            values.Add(ParseExpression());
        }

        Expect(TokenKind.BlockEnd, "'%}'");
        Stmt[] body = ParseBody(["endwith"]);
        ExpectEndTag("endwith");
        return new WithStmt(line, column, [.. names], [.. values], body);
    }
}
