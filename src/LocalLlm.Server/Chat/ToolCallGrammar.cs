using System.Text.Json;
using LocalLlm.Server.OpenAi;
using LocalLlm.Server.StructuredOutput;

namespace LocalLlm.Server.Chat;

/// <summary>
/// A function the model may be forced to call. <see cref="TakesNoArguments"/> narrows its arguments to <c>{}</c>;
/// otherwise <see cref="Parameters"/>, when given, is the JSON Schema the arguments follow.
/// </summary>
internal sealed record ToolFunction(string Name, bool TakesNoArguments, JsonElement? Parameters = null);

/// <summary>
/// Writes llama.cpp GBNF grammars whose every sentence is a tool call in a model's own syntax, naming one of the given
/// functions, with arguments that follow the function's parameter schema (any JSON object when it has none; exactly
/// <c>{}</c> when it takes no arguments). Whitespace runs are bounded, so a completed call always lets generation end.
/// </summary>
internal static class ToolCallGrammar
{
    /// <param name="parallel">Allow more than one call in a reply.</param>
    /// <exception cref="ApiException">A parameter schema the grammar cannot enforce (400, param <c>tools</c>).</exception>
    public static string Build(ToolCallFormat format, IReadOnlyList<ToolFunction> functions, bool parallel)
    {
        if (functions.Count == 0)
        {
            throw new ArgumentException("A forced tool call needs at least one function.", nameof(functions));
        }

        var rules = new GbnfRuleSet();
        string space = rules.Primitive("space");
        string more = parallel ? "*" : "{0,0}";
        string NameAndArguments(ToolFunction f, int i, string argumentsKey) =>
            $"\"\\\"name\\\"\" {space} \":\" {space} {Literal(Quoted(f.Name))} {space} \",\" {space} {Literal(Quoted(argumentsKey))} {space} \":\" {space} {Arguments(rules, f, i)}";

        string root;
        switch (format)
        {
            case ToolCallFormat.Hermes:
                root = $"call (\"\\n\" call){more}";
                rules.Add("call", $"\"<tool_call>\" {space} \"{{\" {space} fn \"}}\" {space} \"</tool_call>\"");
                AddFunctions(rules, functions, (f, i) => NameAndArguments(f, i, "arguments"));
                break;
            case ToolCallFormat.Llama3Json:
                root = $"\"{{\" {space} fn \"}}\" {space}";
                AddFunctions(rules, functions, (f, i) => NameAndArguments(f, i, "parameters"));
                break;
            case ToolCallFormat.Mistral:
                root = $"\"[TOOL_CALLS]\" \"[\" call (\",\" {space} call){more} \"]\"";
                rules.Add("call", $"\"{{\" {space} fn \"}}\" {space}");
                AddFunctions(rules, functions, (f, i) => NameAndArguments(f, i, "arguments"));
                break;
            case ToolCallFormat.DeepSeekV3:
            case ToolCallFormat.DeepSeekR1:
                root = $"{Literal(ToolCallSyntax.DeepSeekCallsBegin)} call (\"\\n\"? call){more} {Literal(ToolCallSyntax.DeepSeekCallsEnd)}";
                rules.Add("call", $"{Literal(ToolCallSyntax.DeepSeekCallBegin)} fn {Literal(ToolCallSyntax.DeepSeekCallEnd)}");
                AddFunctions(rules, functions, format == ToolCallFormat.DeepSeekR1
                    ? (f, i) => $"{Literal("function" + ToolCallSyntax.DeepSeekSep + f.Name + "\n```json\n")} {Arguments(rules, f, i)} {Literal("\n```")}"
                    : (f, i) => $"{Literal(f.Name + ToolCallSyntax.DeepSeekSep)} {Arguments(rules, f, i)}");
                break;
            default:
                throw new ArgumentException($"Tool calls cannot be constrained for format {format}.", nameof(format));
        }

        return rules.Render(root);
    }

    /// <summary>A GBNF string literal matching exactly <paramref name="text"/>.</summary>
    public static string Literal(string text) => Gbnf.Literal(text);

    private static void AddFunctions(GbnfRuleSet rules, IReadOnlyList<ToolFunction> functions, Func<ToolFunction, int, string> body)
    {
        // Each function's body is added before "fn" names it, so parameter rules never take the names fn or fnN.
        List<string> names = [.. functions.Select((f, i) => rules.Add($"fn{i}", body(f, i)))];
        rules.Add("fn", string.Join(" | ", names));
    }

    private static string Arguments(GbnfRuleSet rules, ToolFunction function, int index)
    {
        if (function.TakesNoArguments)
        {
            return rules.Primitive("empty-object");
        }

        if (function.Parameters is not { } parameters)
        {
            return rules.Primitive("object");
        }

        try
        {
            return JsonSchemaConverter.AddTo(rules, parameters, strict: false, $"fn{index}-arguments");
        }
        catch (UnsupportedSchemaException e)
        {
            throw ApiException.BadRequest(
                $"The parameters of function '{function.Name}' cannot be enforced for a required tool call: {e.Message}.", "tools");
        }
    }

    /// <summary>The JSON string literal of <paramref name="text"/>.</summary>
    private static string Quoted(string text) => JsonSerializer.Serialize(text, ChatJsonContext.Default.String);
}
