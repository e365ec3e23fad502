using LocalLlm.Backends.LlamaCpp.Native;
using LocalLlm.Engine.Backend;
using Microsoft.Extensions.Logging;

namespace LocalLlm.Backends.LlamaCpp;

/// <summary>
/// A GGUF model in one llama.cpp context whose unified KV cache is shared by <see cref="BackendInfo.MaxSequences"/>
/// sequences, so sequences can share prefix cells (<see cref="CopyTokens"/>). Driven by a single engine thread;
/// only <see cref="Tokenizer"/> and <see cref="ApplyChatTemplate"/> may be used from other threads.
/// </summary>
public sealed partial class LlamaCppBackend : IModelBackend
{
    private readonly SafeLlamaModelHandle _model;
    private readonly SafeLlamaContextHandle _context;
    private readonly LlamaBatchBuffer _batch;
    private readonly LlamaTokenizer _tokenizer;
    private readonly int _penaltyLastN;

    // Owned by the context; valid while _context is.
    private readonly nint _memory;
    private bool _disposed;

    private LlamaCppBackend(SafeLlamaModelHandle model, SafeLlamaContextHandle context, LlamaCppOptions options)
    {
        _model = model;
        _context = context;
        _penaltyLastN = options.PenaltyLastN;
        _memory = LlamaNative.llama_get_memory(context);
        _tokenizer = new LlamaTokenizer(model);
        Info = LlamaModelInfo.Read(model, context, _tokenizer.VocabularySize);
        _batch = new LlamaBatchBuffer(Info.MaxBatchTokens);
    }

    public BackendInfo Info { get; }

    public ITokenizer Tokenizer => _tokenizer;

    internal LlamaTokenizer LlamaTokenizer => _tokenizer;

    internal SafeLlamaContextHandle Context => _context;

    internal SafeLlamaModelHandle Model => _model;

    /// <summary>Checks the options, routes llama.cpp's log to <paramref name="logger"/> and loads the model's weights.</summary>
    internal static SafeLlamaModelHandle LoadModel(LlamaCppOptions options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!File.Exists(options.ModelPath))
        {
            throw new FileNotFoundException($"Model file not found: '{options.ModelPath}'.", options.ModelPath);
        }

        if (logger is not null)
        {
            LlamaLibrary.SetLogger(logger);
        }

        LlamaLibrary.EnsureLoaded();
        var modelParams = LlamaNative.llama_model_default_params();
        modelParams.NGpuLayers = options.GpuLayers;
        return SafeLlamaModelHandle.LoadFromFile(options.ModelPath, modelParams);
    }

    /// <summary>Loads the model and creates its context.</summary>
    /// <param name="logger">Receives llama.cpp's own log at Debug level (process-wide; replaces any earlier logger).</param>
    /// <exception cref="LlamaException">The native library, the model or the context could not be loaded.</exception>
    public static LlamaCppBackend Load(LlamaCppOptions options, ILogger? logger = null)
    {
        SafeLlamaModelHandle model = LoadModel(options, logger);
        SafeLlamaContextHandle? context = null;
        try
        {
            var contextParams = LlamaNative.llama_context_default_params();
            contextParams.NCtx = (uint)options.ContextSize;
            contextParams.NBatch = (uint)options.BatchSize;
            contextParams.NUbatch = (uint)options.MicroBatchSize;
            contextParams.NSeqMax = (uint)options.MaxSequences;
            contextParams.NThreads = options.EffectiveThreads;
            contextParams.NThreadsBatch = options.EffectiveThreads;
            contextParams.FlashAttnType = options.FlashAttention.ToNative();
            contextParams.TypeK = options.CacheTypeK.ToNative();
            contextParams.TypeV = options.CacheTypeV.ToNative();

            // Always unified: the engine shares prompt prefixes between sequences through llama_memory_seq_cp.
            contextParams.KvUnified = true;
            context = SafeLlamaContextHandle.Create(model, contextParams);
            using (SafeGgmlThreadpoolHandle threadpool = SafeGgmlThreadpoolHandle.Create(options.EffectiveThreads, options.Poll))
            {
                // The context keeps its own reference; this one only guards the time until it is attached.
                context.AttachThreadpool(threadpool);
            }

            var backend = new LlamaCppBackend(model, context, options);
            if (logger is not null)
            {
                LogLoaded(logger, options.ModelPath, backend.Info.Architecture, backend.Info.ContextSize, backend.Info.MaxSequences, options.EffectiveThreads);
            }

            return backend;
        }
        catch
        {
            // The context holds a model reference, so this order frees the model last either way.
            context?.Dispose();
            model.Dispose();
            throw;
        }
    }

    public DecodeStatus Decode(ReadOnlySpan<BatchToken> tokens)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var batch = _batch.Fill(tokens, Info.VocabularySize, Info.MaxSequences);
        var result = LlamaNative.llama_decode(_context, batch);
        if (result != 0)
        {
            _batch.Invalidate();
        }

        return result switch
        {
            0 => DecodeStatus.Ok,
            1 => DecodeStatus.NoKvSlot,
            2 => DecodeStatus.Aborted,
            _ => DecodeStatus.Failed,
        };
    }

    public ITokenSampler CreateSampler(SamplingParams sampling) => CreateSampler(sampling, logitBias: null);

    /// <param name="logitBias">Added to the logits of the given tokens before any other stage; -infinity bans a token.</param>
    public ITokenSampler CreateSampler(SamplingParams sampling, IReadOnlyDictionary<int, float>? logitBias)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        List<LlamaLogitBias>? biases = null;
        if (logitBias is { Count: > 0 })
        {
            biases = new List<LlamaLogitBias>(logitBias.Count);
            foreach (var (token, bias) in logitBias)
            {
                if ((uint)token >= (uint)Info.VocabularySize)
                {
                    throw new ArgumentOutOfRangeException(nameof(logitBias), token, "Logit bias names a token outside the vocabulary.");
                }

                biases.Add(new LlamaLogitBias { Token = new LlamaToken(token), Bias = bias });
            }
        }

        return LlamaTokenSampler.Create(this, sampling, _penaltyLastN, biases);
    }

    public void RemoveTokens(int sequenceId, int fromPos, int toPos)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfBadSequence(sequenceId);
        if (!LlamaNative.llama_memory_seq_rm(_memory, new SeqId(sequenceId), new LlamaPos(fromPos), new LlamaPos(toPos)))
        {
            throw new LlamaException($"llama.cpp could not remove positions [{fromPos}, {toPos}) of sequence {sequenceId}.");
        }
    }

    public void CopyTokens(int source, int target, int fromPos, int toPos)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfBadSequence(source);
        ThrowIfBadSequence(target);
        LlamaNative.llama_memory_seq_cp(_memory, new SeqId(source), new SeqId(target), new LlamaPos(fromPos), new LlamaPos(toPos));
    }

    /// <summary>Largest position held for <paramref name="sequenceId"/>, or -1 when the sequence is empty.</summary>
    public int SequenceMaxPosition(int sequenceId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfBadSequence(sequenceId);
        return LlamaNative.llama_memory_seq_pos_max(_memory, new SeqId(sequenceId)).Value;
    }

    /// <summary>Drops every sequence's cells.</summary>
    public void ClearMemory()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        LlamaNative.llama_memory_clear(_memory, data: false);
    }

    /// <summary>Threads used from now on, for single-token steps and for batches.</summary>
    public void SetThreads(int threads, int batchThreads)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchThreads, 1);
        LlamaNative.llama_set_n_threads(_context, threads, batchThreads);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _batch.Dispose();
        _context.Dispose();
        _model.Dispose();
    }

    /// <inheritdoc />
    public unsafe ReadOnlySpan<float> GetLogits(int batchIndex) => new(LogitsPointer(batchIndex), Info.VocabularySize);

    private unsafe float* LogitsPointer(int batchIndex)
    {
        ThrowIfNoLogits(batchIndex);
        var logits = LlamaNative.llama_get_logits_ith(_context, batchIndex);
        if (logits is null)
        {
            throw new LlamaException($"llama.cpp has no logits for batch index {batchIndex}.");
        }

        return logits;
    }

    internal void ThrowIfNoLogits(int batchIndex)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_batch.HasLogits(batchIndex))
        {
            throw new ArgumentOutOfRangeException(
                nameof(batchIndex), batchIndex, "The last successful Decode did not request logits for this batch index.");
        }
    }

    private void ThrowIfBadSequence(int sequenceId)
    {
        if ((uint)sequenceId >= (uint)Info.MaxSequences)
        {
            throw new ArgumentOutOfRangeException(nameof(sequenceId), sequenceId, $"Sequence ids are in [0, {Info.MaxSequences}).");
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Loaded {ModelPath} ({Architecture}) with {ContextSize} KV cells for {MaxSequences} sequences on {Threads} threads")]
    private static partial void LogLoaded(ILogger logger, string modelPath, string architecture, int contextSize, int maxSequences, int threads);
}
