using LocalLlm.Engine;
using LocalLlm.Engine.Backend;
using LocalLlm.Server.Chat;
using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.Models;

/// <summary>
/// One served model. A generation model has an engine and a prompt renderer; an embedding model (marked
/// <c>embedding: true</c> in models.yaml) has an embedder. Asking a model for what it does not serve is the client's
/// error (400), not the server's.
/// </summary>
internal sealed class ModelHost : IDisposable
{
    private readonly LlmEngine? _engine;
    private readonly IPromptRenderer? _promptRenderer;
    private readonly IEmbeddingModel? _embedder;

    public ModelHost(string id, string backend, LlmEngine engine, IPromptRenderer promptRenderer, long created, Action<string>? validateGrammar = null)
    {
        Id = id;
        Backend = backend;
        _engine = engine;
        _promptRenderer = promptRenderer;
        Created = created;
        ValidateGrammar = validateGrammar;
        ContextLength = engine.ContextLimit;
    }

    public ModelHost(string id, string backend, IEmbeddingModel embedder, long created)
    {
        Id = id;
        Backend = backend;
        _embedder = embedder;
        Created = created;
        ContextLength = embedder.ContextLength;
    }

    public string Id { get; }

    /// <summary>The backend's name as models.yaml spells it: llamacpp or onnx.</summary>
    public string Backend { get; }

    public long Created { get; }

    /// <summary>Most tokens (prompt and output) one request may use.</summary>
    public int ContextLength { get; }

    public bool ServesGeneration => _engine is not null;

    public bool ServesEmbeddings => _embedder is not null;

    public LlmEngine Engine => _engine ?? throw ApiException.BadRequest(
        $"The model '{Id}' serves embeddings only; use /v1/embeddings.", "model", "model_not_supported");

    public IPromptRenderer PromptRenderer => _promptRenderer ?? throw ApiException.BadRequest(
        $"The model '{Id}' serves embeddings only; use /v1/embeddings.", "model", "model_not_supported");

    public IEmbeddingModel Embedder => _embedder ?? throw ApiException.BadRequest(
        $"The model '{Id}' does not serve embeddings; serve an embedding model (embedding: true in models.yaml).", "model", "model_not_supported");

    /// <summary>Throws when the backend cannot use a GBNF grammar; null when the backend takes none.</summary>
    public Action<string>? ValidateGrammar { get; }

    public void Dispose()
    {
        if (_engine is not null)
        {
            _engine.Dispose();
            _engine.Backend.Dispose();
        }

        _embedder?.Dispose();
    }
}
