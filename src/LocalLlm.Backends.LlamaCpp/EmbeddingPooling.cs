namespace LocalLlm.Backends.LlamaCpp;

/// <summary>How the token embeddings of one input become its one vector.</summary>
public enum EmbeddingPooling
{
    /// <summary>The average over all tokens.</summary>
    Mean = 1,

    /// <summary>The first token's (BERT-style [CLS] models).</summary>
    Cls = 2,

    /// <summary>The last token's (decoder models trained for it, e.g. Qwen3-Embedding).</summary>
    Last = 3,
}
