namespace LocalLlm.Engine.Backend;

/// <summary>
/// A model loaded to turn token sequences into pooled embedding vectors. Thread-safe: callers may embed concurrently;
/// implementations serialise access to their native context.
/// </summary>
public interface IEmbeddingModel : IDisposable
{
    ITokenizer Tokenizer { get; }

    /// <summary>Most tokens one input may hold.</summary>
    int ContextLength { get; }

    /// <summary>Length of every returned vector.</summary>
    int Dimensions { get; }

    /// <summary>One pooled, L2-normalised vector per input, in input order.</summary>
    Task<float[][]> EmbedAsync(IReadOnlyList<int[]> inputs, CancellationToken cancellation);
}
