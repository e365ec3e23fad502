using System.Text;

namespace LocalLlm.Server.Chat;

/// <summary>A function the model may be forced to call; <see cref="TakesNoArguments"/> narrows its arguments to <c>{}</c>.</summary>
internal sealed record ToolFunction(string Name, bool TakesNoArguments);

/// <summary>
/// Writes llama.cpp GBNF grammars whose every sentence is a tool call in a model's own syntax, naming one of the given
/// functions, with a JSON object as arguments (any object for now; a function whose schema has no properties gets
/// exactly <c>{}</c>). Whitespace runs are bounded, so a completed call always lets generation end.
/// </summary>
internal static class ToolCallGrammar
{
    // JSON primitives as llama.cpp's json-schema-to-grammar writes them.
    private const string JsonRules = """
        space ::= | " " | "\n" [ \t]{0,20}
        value ::= object | array | string | number | ("true" | "false" | "null") space
        object ::= "{" space ( string ":" space value ("," space string ":" space value)* )? "}" space
        array ::= "[" space ( value ("," space value)* )? "]" space
        string ::= "\"" char* "\"" space
        char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})
        number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? space
        empty-object ::= "{" space "}" space
        """;

    /// <param name="parallel">Allow more than one call in a reply.</param>
    public static string Build(ToolCallFormat format, IReadOnlyList<ToolFunction> functions, bool parallel)
    {
        if (functions.Count == 0)
        {
            throw new ArgumentException("A forced tool call needs at least one function.", nameof(functions));
        }

        var grammar = new StringBuilder();
        string more = parallel ? "*" : "{0,0}";
        switch (format)
        {
            case ToolCallFormat.Hermes:
                grammar.Append("root ::= call (\"\\n\" call)").Append(more).Append('\n');
                grammar.Append("call ::= \"<tool_call>\" space \"{\" space fn \"}\" space \"</tool_call>\"\n");
                AppendFunctions(grammar, functions, f => $"\"\\\"name\\\"\" space \":\" space {Literal(Quoted(f.Name))} space \",\" space \"\\\"arguments\\\"\" space \":\" space {Arguments(f)}");
                break;
            case ToolCallFormat.Llama3Json:
                grammar.Append("root ::= \"{\" space fn \"}\" space\n");
                AppendFunctions(grammar, functions, f => $"\"\\\"name\\\"\" space \":\" space {Literal(Quoted(f.Name))} space \",\" space \"\\\"parameters\\\"\" space \":\" space {Arguments(f)}");
                break;
            case ToolCallFormat.Mistral:
                grammar.Append("root ::= \"[TOOL_CALLS]\" \"[\" call (\",\" space call)").Append(more).Append(" \"]\"\n");
                grammar.Append("call ::= \"{\" space fn \"}\" space\n");
                AppendFunctions(grammar, functions, f => $"\"\\\"name\\\"\" space \":\" space {Literal(Quoted(f.Name))} space \",\" space \"\\\"arguments\\\"\" space \":\" space {Arguments(f)}");
                break;
            case ToolCallFormat.DeepSeekV3:
            case ToolCallFormat.DeepSeekR1:
                grammar.Append("root ::= ").Append(Literal(ToolCallSyntax.DeepSeekCallsBegin)).Append(" call (\"\\n\"? call)").Append(more)
                    .Append(' ').Append(Literal(ToolCallSyntax.DeepSeekCallsEnd)).Append('\n');
                grammar.Append("call ::= ").Append(Literal(ToolCallSyntax.DeepSeekCallBegin)).Append(" fn ").Append(Literal(ToolCallSyntax.DeepSeekCallEnd)).Append('\n');
                AppendFunctions(grammar, functions, format == ToolCallFormat.DeepSeekR1
                    ? f => $"{Literal("function" + ToolCallSyntax.DeepSeekSep + f.Name + "\n```json\n")} {Arguments(f)} {Literal("\n```")}"
                    : f => $"{Literal(f.Name + ToolCallSyntax.DeepSeekSep)} {Arguments(f)}");
                break;
            default:
                throw new ArgumentException($"Tool calls cannot be constrained for format {format}.", nameof(format));
        }

        return grammar.Append(JsonRules).Append('\n').ToString();
    }

    private static void AppendFunctions(StringBuilder grammar, IReadOnlyList<ToolFunction> functions, Func<ToolFunction, string> body)
    {
        grammar.Append("fn ::= ").AppendJoin(" | ", functions.Select((_, i) => $"fn{i}")).Append('\n');
        for (int i = 0; i < functions.Count; i++)
        {
            grammar.Append($"fn{i} ::= ").Append(body(functions[i])).Append('\n');
        }
    }

    private static string Arguments(ToolFunction function) => function.TakesNoArguments ? "empty-object" : "object";

    /// <summary>The JSON string literal of <paramref name="text"/>.</summary>
    private static string Quoted(string text) => System.Text.Json.JsonSerializer.Serialize(text, ChatJsonContext.Default.String);

    /// <summary>A GBNF string literal matching exactly <paramref name="text"/>.</summary>
    public static string Literal(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (char c in text)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }

        return literal.Append('"').ToString();
    }
}
