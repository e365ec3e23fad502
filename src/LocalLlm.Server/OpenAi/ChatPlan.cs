using System.Text.Json;
using LocalLlm.Engine.Backend;
using LocalLlm.Server.Chat;
using LocalLlm.Server.Models;
using LocalLlm.Server.StructuredOutput;
using LocalLlm.Templates;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// What one chat request becomes: the prompt (the model's template rendered and tokenized), the sampling settings
/// (with a grammar when a tool call is forced, or when response_format or grammar constrains the output) and the parser
/// its output goes through.
/// </summary>
/// <param name="RenderSpecialTokens">Tool-call markers may be special tokens; the parser must see them as text.</param>
internal sealed record ChatPlan(int[] PromptTokens, SamplingParams Sampling, ChatOutputParser Parser, bool RenderSpecialTokens)
{
    public static ChatPlan Build(ChatCompletionRequest request, ModelHost model)
    {
        IPromptRenderer renderer = model.PromptRenderer;
        ChatFormat format = renderer.Format;
        List<object?> messages = ChatMessageReader.Read(request, format);
        ToolRequest tools = ToolRequestReader.Read(request);
        bool separateReasoning = ReasoningFormat(request.ReasoningFormat);

        string prompt;
        try
        {
            prompt = renderer.Render(new PromptInput(messages, tools.Enabled ? tools.Tools : null, Kwargs(request.ChatTemplateKwargs)));
        }
        catch (TemplateException e)
        {
            string what = e.RaisedByTemplate ? "rejected the conversation" : "failed";
            throw ApiException.BadRequest($"The model's chat template {what}: {e.Describe()}", "messages");
        }

        SamplingParams sampling = ChatRequestValidator.Sampling(request);
        if (tools.Forced)
        {
            sampling = sampling with { Grammar = Grammar(model, format, tools) };
        }

        if (OutputConstraint.Grammar(request, model, tools.Forced) is { } outputGrammar)
        {
            sampling = sampling with { Grammar = outputGrammar };
        }

        // A prompt that ends by opening <think> (DeepSeek-R1) leaves the model inside its reasoning.
        bool startsInReasoning = prompt.TrimEnd().EndsWith(ChatOutputParser.ThinkOpen, StringComparison.Ordinal);
        var parser = new ChatOutputParser(
            tools.Enabled ? ToolCallSyntax.For(format.ToolCalls) : null,
            separateReasoning && format.HasThinking,
            startsInReasoning);
        int[] tokens = model.Engine.Backend.Tokenizer.Tokenize(prompt, addSpecial: true, parseSpecial: true);
        return new ChatPlan(tokens, sampling, parser, tools.Enabled);
    }

    private static string Grammar(ModelHost model, ChatFormat format, ToolRequest tools)
    {
        if (format.ToolCalls == ToolCallFormat.None)
        {
            throw ApiException.BadRequest(
                "This model's chat template shows no tool-call syntax, so a tool call cannot be required; use tool_choice 'auto' or 'none'.", "tool_choice");
        }

        string grammar = ToolCallGrammar.Build(format.ToolCalls, tools.Functions, tools.Parallel);
        try
        {
            model.ValidateGrammar?.Invoke(grammar);
        }
        catch (Exception e) when (e is not ApiException)
        {
            throw new ApiException(StatusCodes.Status500InternalServerError, $"The tool-call grammar was rejected by the backend: {e.Message}", "server_error");
        }

        return grammar;
    }

    private static bool ReasoningFormat(string? value) => value switch
    {
        null or "auto" or "deepseek" => true,
        "none" => false,
        _ => throw ApiException.BadRequest($"Invalid value '{value}' for 'reasoning_format': expected 'auto' or 'none'.", "reasoning_format"),
    };

    private static IReadOnlyDictionary<string, object?>? Kwargs(JsonElement? kwargs) => kwargs switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.Object } element => JsonValues.ToVariables(element),
        _ => throw ApiException.BadRequest("'chat_template_kwargs' must be an object.", "chat_template_kwargs"),
    };
}
