using LocalLlm.Engine;
using LocalLlm.Server.Chat;

namespace LocalLlm.Server.Models;

/// <summary>One served model: its engine and how chat messages become its prompt.</summary>
internal sealed class ModelHost(string id, LlmEngine engine, IPromptRenderer promptRenderer, long created, Action<string>? validateGrammar = null) : IDisposable
{
    public string Id { get; } = id;

    public LlmEngine Engine { get; } = engine;

    public IPromptRenderer PromptRenderer { get; } = promptRenderer;

    public long Created { get; } = created;

    /// <summary>Throws when the backend cannot use a GBNF grammar; null when the backend takes none.</summary>
    public Action<string>? ValidateGrammar { get; } = validateGrammar;

    public void Dispose()
    {
        Engine.Dispose();
        Engine.Backend.Dispose();
    }
}
