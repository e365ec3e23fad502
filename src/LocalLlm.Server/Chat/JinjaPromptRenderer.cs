using LocalLlm.Templates;

namespace LocalLlm.Server.Chat;

/// <summary>
/// Renders the model's own Jinja chat template with the variables Hugging Face passes: <c>messages</c>, <c>tools</c>,
/// <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c>, plus the request's template kwargs.
/// </summary>
internal sealed class JinjaPromptRenderer : IPromptRenderer
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "messages", "tools", "add_generation_prompt", "bos_token", "eos_token" };

    private readonly ChatTemplate _template;
    private readonly string _bosText;
    private readonly string _eosText;
    private readonly bool _vocabularyAddsBos;

    /// <param name="vocabularyAddsBos">
    /// Tokenizing with special tokens puts BOS first. A template that writes <c>{{ bos_token }}</c> itself then has
    /// its leading BOS text removed, as llama-server does, so the prompt never starts with two BOS tokens.
    /// </param>
    public JinjaPromptRenderer(ChatTemplate template, string bosText, string eosText, bool vocabularyAddsBos)
    {
        _template = template;
        _bosText = bosText;
        _eosText = eosText;
        _vocabularyAddsBos = vocabularyAddsBos;
        Format = ChatFormat.Detect(template.Source);
    }

    public ChatFormat Format { get; }

    public string Source => _template.Source;

    public string Render(PromptInput input)
    {
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = input.Messages,
            ["add_generation_prompt"] = input.AddGenerationPrompt,
            ["bos_token"] = _bosText,
            ["eos_token"] = _eosText,
        };
        if (input.Tools is { Count: > 0 } tools)
        {
            variables["tools"] = tools;
        }

        foreach ((string key, object? value) in input.Kwargs ?? new Dictionary<string, object?>())
        {
            if (!Reserved.Contains(key))
            {
                variables[key] = value;
            }
        }

        string prompt = _template.Render(variables);
        return _vocabularyAddsBos && _bosText.Length > 0 && prompt.StartsWith(_bosText, StringComparison.Ordinal)
            ? prompt[_bosText.Length..]
            : prompt;
    }
}
