namespace LocalLlm.Backends.LlamaCpp;

/// <summary>How to load a GGUF model into a llama.cpp context shared by all sequences.</summary>
public sealed record LlamaCppOptions
{
    /// <summary>llama.cpp's hard limit on sequence ids (LLAMA_MAX_SEQ).</summary>
    public const int MaxSequenceLimit = 256;

    /// <summary>Path of the .gguf file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Total KV cells, shared by every sequence (the KV cache is unified). llama.cpp rounds it up to a multiple of 256.</summary>
    public int ContextSize { get; init; } = 4096;

    /// <summary>Sequence ids available, 1 to <see cref="MaxSequenceLimit"/>.</summary>
    public int MaxSequences { get; init; } = 8;

    /// <summary>
    /// Most tokens one Decode call accepts (n_batch); micro-batches are min(BatchSize, 512), or BatchSize itself with
    /// <see cref="Embeddings"/>. llama.cpp caps it at the context size, so callers size their batches by
    /// <see cref="Engine.Backend.BackendInfo.MaxBatchTokens"/>.
    /// </summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Compute threads; null uses one per logical processor.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// How hard idle compute threads spin waiting for the next decode (0 to 100; llama.cpp's own default is 50).
    /// 0 lets them sleep, which leaves the cores to other work between steps.
    /// </summary>
    public uint Poll { get; init; } = 50;

    /// <summary>Layers offloaded to a GPU backend when one is loaded; negative means all. No effect on CPU-only builds.</summary>
    public int GpuLayers { get; init; } = -1;

    /// <summary>Flash attention; llama.cpp's default lets each device decide.</summary>
    public FlashAttention FlashAttention { get; init; } = FlashAttention.Auto;

    /// <summary>Element type of the cached keys; F32 doubles their memory and removes float16 rounding from comparisons.</summary>
    public KvCacheType CacheTypeK { get; init; } = KvCacheType.F16;

    /// <summary>Element type of the cached values; llama.cpp quantizes them only with flash attention.</summary>
    public KvCacheType CacheTypeV { get; init; } = KvCacheType.F16;

    /// <summary>How many recent accepted tokens repetition/frequency/presence penalties look at.</summary>
    public int PenaltyLastN { get; init; } = 64;

    /// <summary>
    /// The context outputs pooled embeddings (<see cref="LlamaEmbeddingModel"/>). Pooling sums over the tokens of one
    /// micro-batch, so a sequence split across two would pool only its tail: micro-batches are then as large as
    /// <see cref="BatchSize"/>, and one input may hold at most that many tokens.
    /// </summary>
    public bool Embeddings { get; init; }

    /// <summary>How token embeddings pool into one vector per input; the model file's own pooling type wins when it names one.</summary>
    public EmbeddingPooling Pooling { get; init; } = EmbeddingPooling.Mean;

    internal int EffectiveThreads => Threads ?? Environment.ProcessorCount;

    internal int MicroBatchSize => Embeddings ? BatchSize : Math.Min(BatchSize, 512);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(ModelPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(ContextSize, 1, nameof(ContextSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSequences, 1, nameof(MaxSequences));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxSequences, MaxSequenceLimit, nameof(MaxSequences));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(EffectiveThreads, 1, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfNegative(PenaltyLastN, nameof(PenaltyLastN));
        if (!Enum.IsDefined(FlashAttention) || !Enum.IsDefined(CacheTypeK) || !Enum.IsDefined(CacheTypeV))
        {
            throw new ArgumentOutOfRangeException(nameof(FlashAttention), "Unknown flash attention mode or KV cache type.");
        }

        if (CacheTypeV.IsQuantized() && FlashAttention == FlashAttention.Off)
        {
            throw new ArgumentException(
                $"A {CacheTypeV.ToString().ToLowerInvariant()} V cache needs flash attention: llama.cpp quantizes cached values only inside its flash attention kernel.",
                nameof(CacheTypeV));
        }

        if (!Enum.IsDefined(Pooling))
        {
            throw new ArgumentOutOfRangeException(nameof(Pooling), Pooling, "Pooling is mean, cls or last.");
        }
    }
}
