using LocalLlm.Engine;

namespace LocalLlm.Server.Models;

/// <summary>One served model: its engine and how chat messages become its prompt.</summary>
internal sealed class ModelHost(string id, LlmEngine engine, IPromptRenderer promptRenderer, long created) : IDisposable
{
    public string Id { get; } = id;

    public LlmEngine Engine { get; } = engine;

    public IPromptRenderer PromptRenderer { get; } = promptRenderer;

    public long Created { get; } = created;

    public void Dispose()
    {
        Engine.Dispose();
        Engine.Backend.Dispose();
    }
}

internal readonly record struct PromptMessage(string Role, string Content);

/// <summary>Renders a conversation into the model's prompt text with its chat template.</summary>
internal interface IPromptRenderer
{
    string Render(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt);
}
