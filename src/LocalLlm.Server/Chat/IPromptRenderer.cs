namespace LocalLlm.Server.Chat;

/// <summary>
/// A conversation as Hugging Face passes it to a chat template: plain template values (string, bool, long, double,
/// lists, string-keyed dictionaries, null). <see cref="Kwargs"/> are the request's <c>chat_template_kwargs</c>.
/// </summary>
internal sealed record PromptInput(
    IReadOnlyList<object?> Messages,
    IReadOnlyList<object?>? Tools = null,
    IReadOnlyDictionary<string, object?>? Kwargs = null,
    bool AddGenerationPrompt = true);

/// <summary>Renders a conversation into the model's prompt text with its chat template.</summary>
internal interface IPromptRenderer
{
    /// <summary>What the template implies for the model's output: tool-call syntax, thinking tags.</summary>
    ChatFormat Format { get; }

    /// <summary>The prompt text, ready to tokenize with special tokens parsed and the vocabulary's BOS added.</summary>
    /// <exception cref="LocalLlm.Templates.TemplateException">The template failed or rejected the conversation.</exception>
    string Render(PromptInput input);
}
