namespace LocalLlm.Engine.Backend;

/// <summary>
/// A loaded model with its KV memory, driven by exactly one engine loop thread.
/// Implementations are not thread-safe: only the engine loop calls Decode, CreateSampler and the sequence operations.
/// </summary>
public interface IModelBackend : IDisposable
{
    BackendInfo Info { get; }

    ITokenizer Tokenizer { get; }

    /// <summary>
    /// Runs the model over one batch. Tokens with <see cref="BatchToken.WantLogits"/> produce logits,
    /// addressed afterwards by their index in <paramref name="tokens"/>.
    /// </summary>
    DecodeStatus Decode(ReadOnlySpan<BatchToken> tokens);

    /// <summary>
    /// The raw logits of the batch token at <paramref name="batchIndex"/> of the last Decode (one per vocabulary entry).
    /// Valid until the next Decode.
    /// </summary>
    ReadOnlySpan<float> GetLogits(int batchIndex);

    /// <summary>A per-sequence sampler: seed, penalties and grammar state belong to one request.</summary>
    ITokenSampler CreateSampler(SamplingParams sampling);

    /// <summary>Drops the KV cells of <paramref name="sequenceId"/> in positions [fromPos, toPos); toPos = -1 is the open end.</summary>
    void RemoveTokens(int sequenceId, int fromPos, int toPos);

    /// <summary>Makes the KV cells of <paramref name="source"/> in [fromPos, toPos) also belong to <paramref name="target"/> (shared, not copied).</summary>
    void CopyTokens(int source, int target, int fromPos, int toPos);
}

public sealed record BackendInfo
{
    public required string Architecture { get; init; }

    /// <summary>Total KV cells shared by all sequences.</summary>
    public required int ContextSize { get; init; }

    /// <summary>Context length the model was trained with; a single request never exceeds it.</summary>
    public required int TrainContextLength { get; init; }

    /// <summary>Sequence ids available: [0, MaxSequences).</summary>
    public required int MaxSequences { get; init; }

    /// <summary>Most tokens one Decode call accepts.</summary>
    public required int MaxBatchTokens { get; init; }

    public required int VocabularySize { get; init; }

    /// <summary>The chat template the model file carries, if any.</summary>
    public string? ChatTemplate { get; init; }

    public long ParameterCount { get; init; }

    public long SizeBytes { get; init; }

    public string? Description { get; init; }

    /// <summary>
    /// Whether <see cref="IModelBackend.CopyTokens"/> shares cells between sequences. When false the engine caches
    /// no prefixes and never calls it: every sequence computes its own cells.
    /// </summary>
    public bool SupportsPrefixSharing { get; init; } = true;
}

/// <summary>One token of a batch: which sequence, at which position, and whether its logits are read back.</summary>
public readonly record struct BatchToken(int Token, int Position, int SequenceId, bool WantLogits);

public enum DecodeStatus
{
    Ok = 0,

    /// <summary>No KV slot for the batch: free cells or shrink the batch, then retry.</summary>
    NoKvSlot = 1,

    Aborted = 2,

    Failed = -1,
}
