using System.Globalization;
using LocalLlm.Backends.LlamaCpp.Native;
using LocalLlm.Engine.Backend;
using Microsoft.Extensions.Logging;

namespace LocalLlm.Backends.LlamaCpp;

/// <summary>
/// A GGUF model whose llama.cpp context outputs pooled embeddings. Each decode embeds as many inputs as fit its batch,
/// one sequence id per input, from an empty memory, so inputs never see each other and positions start at 0.
/// One native context serves every caller, one call at a time.
/// </summary>
public sealed partial class LlamaEmbeddingModel : IEmbeddingModel
{
    private readonly SafeLlamaModelHandle _model;
    private readonly SafeLlamaContextHandle _context;
    private readonly LlamaBatchBuffer _batch;
    private readonly LlamaTokenizer _tokenizer;
    private readonly BatchToken[] _staging;
    private readonly int _maxSequences;

    // Owned by the context; valid while _context is. Zero for models without memory (non-causal encoders).
    private readonly nint _memory;

    // Guards the context, the batch and _disposed: llama.cpp contexts are not thread-safe.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    private LlamaEmbeddingModel(SafeLlamaModelHandle model, SafeLlamaContextHandle context)
    {
        _model = model;
        _context = context;
        _memory = LlamaNative.llama_get_memory(context);
        _tokenizer = new LlamaTokenizer(model);
        Dimensions = LlamaNative.llama_model_n_embd_out(model);
        Pooling = (EmbeddingPooling)LlamaNative.llama_pooling_type(context);

        // n_ubatch is what one sequence must fit (llama.cpp may have lowered the requested sizes to the context's).
        ContextLength = checked((int)LlamaNative.llama_n_ubatch(context));
        _maxSequences = checked((int)LlamaNative.llama_n_seq_max(context));
        _batch = new LlamaBatchBuffer(ContextLength);
        _staging = new BatchToken[ContextLength];
    }

    public ITokenizer Tokenizer => _tokenizer;

    public int ContextLength { get; }

    public int Dimensions { get; }

    /// <summary>The pooling the context applies: the model file's when it names one, else the requested one.</summary>
    public EmbeddingPooling Pooling { get; }

    /// <summary>
    /// Loads the model with embeddings on; <see cref="LlamaCppOptions.Embeddings"/> must be set. Inputs per decode are
    /// <see cref="LlamaCppOptions.MaxSequences"/> lowered to a divisor of the batch (<see cref="SequencesPerDecode"/>).
    /// </summary>
    /// <param name="logger">Receives llama.cpp's own log at Debug level (process-wide; replaces any earlier logger).</param>
    /// <exception cref="LlamaException">The native library, the model or the context could not be loaded.</exception>
    public static LlamaEmbeddingModel Load(LlamaCppOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Embeddings)
        {
            throw new ArgumentException("An embedding model needs options with Embeddings on.", nameof(options));
        }

        SafeLlamaModelHandle model = LlamaCppBackend.LoadModel(options, logger);
        SafeLlamaContextHandle? context = null;
        try
        {
            // The memory holds one batch at a time, so a batch larger than the context could never be placed.
            int batchTokens = Math.Min(options.MicroBatchSize, options.ContextSize);
            var contextParams = LlamaNative.llama_context_default_params();
            contextParams.NCtx = (uint)options.ContextSize;
            contextParams.NBatch = (uint)batchTokens;
            contextParams.NUbatch = (uint)batchTokens;
            contextParams.NSeqMax = (uint)SequencesPerDecode(options.MaxSequences, batchTokens);
            contextParams.NThreads = options.EffectiveThreads;
            contextParams.NThreadsBatch = options.EffectiveThreads;
            contextParams.Embeddings = true;
            contextParams.PoolingType = ChoosePooling(FilePooling(model), options.Pooling);

            // Unified: one stream, so a batch of many short inputs is one micro-batch instead of one per sequence.
            contextParams.KvUnified = true;
            context = SafeLlamaContextHandle.Create(model, contextParams);
            using (SafeGgmlThreadpoolHandle threadpool = SafeGgmlThreadpoolHandle.Create(options.EffectiveThreads, options.Poll))
            {
                context.AttachThreadpool(threadpool);
            }

            var embedder = new LlamaEmbeddingModel(model, context);
            if (logger is not null)
            {
                LogLoaded(logger, options.ModelPath, embedder.Dimensions, embedder.Pooling, embedder.ContextLength, embedder._maxSequences);
            }

            return embedder;
        }
        catch
        {
            context?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <exception cref="ArgumentException">An input is empty, longer than <see cref="ContextLength"/> or holds a token outside the vocabulary.</exception>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<int[]> inputs, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Validate(inputs);
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var vectors = new float[inputs.Count][];
            for (var next = 0; next < inputs.Count;)
            {
                cancellation.ThrowIfCancellationRequested();
                next = EmbedBatch(inputs, next, vectors);
            }

            return vectors;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        // Waits for a running batch: freeing the context under llama_decode would crash the process.
        _gate.Wait();
        try
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
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The pooling to ask llama.cpp for: the file's own when it names mean, cls or last, else the requested one.</summary>
    /// <param name="filePooling">The GGUF's <c>{arch}.pooling_type</c> value, or null when it has none.</param>
    /// <exception cref="LlamaException">The file names rank pooling: a reranker, not an embedding model.</exception>
    internal static LlamaPoolingType ChoosePooling(string? filePooling, EmbeddingPooling requested)
    {
        if (int.TryParse(filePooling, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            switch ((LlamaPoolingType)value)
            {
                case LlamaPoolingType.Mean or LlamaPoolingType.Cls or LlamaPoolingType.Last:
                    return (LlamaPoolingType)value;
                case LlamaPoolingType.Rank:
                    throw new LlamaException("The model file names rank pooling: it is a reranker, which cannot serve embeddings.");
            }
        }

        // No pooling named, or NONE (the default of generative models): the caller's choice.
        return (LlamaPoolingType)requested;
    }

    /// <summary>
    /// The most sequence ids, at most <paramref name="requested"/>, that divide <paramref name="batchTokens"/>:
    /// llama.cpp reserves its worst-case graph with the token count rounded up to a multiple of n_seq_max, and with
    /// mean pooling a rounded count no longer matches the outputs (GGML_ASSERT in ggml_mul_mat, which aborts).
    /// </summary>
    internal static int SequencesPerDecode(int requested, int batchTokens)
    {
        int sequences = Math.Clamp(requested, 1, batchTokens);
        while (batchTokens % sequences != 0)
        {
            sequences--;
        }

        return sequences;
    }

    /// <summary>Scales <paramref name="vector"/> to unit length; an all-zero vector stays zero.</summary>
    internal static void Normalize(Span<float> vector)
    {
        double squares = 0;
        foreach (float x in vector)
        {
            squares += (double)x * x;
        }

        if (squares > 0)
        {
            var scale = (float)(1 / Math.Sqrt(squares));
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] *= scale;
            }
        }
    }

    private static string? FilePooling(SafeLlamaModelHandle model) =>
        LlamaModelInfo.MetaValue(model, "general.architecture") is { } architecture
            ? LlamaModelInfo.MetaValue(model, architecture + ".pooling_type")
            : null;

    // The messages go to API clients as they are, so they carry no "(Parameter 'inputs')" suffix.
    private void Validate(IReadOnlyList<int[]> inputs)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            int[] input = inputs[i] ?? throw new ArgumentException($"Input {i} is null.");
            if (input.Length == 0)
            {
                throw new ArgumentException($"Input {i} has no tokens.");
            }

            if (input.Length > ContextLength)
            {
                throw new ArgumentException(
                    $"Input {i} has {input.Length} tokens; this model embeds at most {ContextLength} tokens per input.");
            }

            foreach (int token in input)
            {
                if ((uint)token >= (uint)_tokenizer.VocabularySize)
                {
                    throw new ArgumentException(
                        $"Input {i} holds token {token}, outside the vocabulary [0, {_tokenizer.VocabularySize}).");
                }
            }
        }
    }

    /// <summary>Embeds inputs from <paramref name="first"/> on, as many as one decode holds.</summary>
    /// <returns>The index of the first input not embedded yet.</returns>
    private unsafe int EmbedBatch(IReadOnlyList<int[]> inputs, int first, float[][] vectors)
    {
        // Every input fits alone (Validate), so each batch takes at least one.
        int count = 0;
        int end = first;
        while (end < inputs.Count && end - first < _maxSequences && count + inputs[end].Length <= _staging.Length)
        {
            int[] input = inputs[end];
            for (var position = 0; position < input.Length; position++)
            {
                _staging[count++] = new BatchToken(input[position], position, end - first, WantLogits: true);
            }

            end++;
        }

        // The previous batch's cells would otherwise be attended to by the sequences that reuse their ids.
        LlamaNative.llama_memory_clear(_memory, data: false);
        LlamaBatch batch = _batch.Fill(_staging.AsSpan(0, count), _tokenizer.VocabularySize, _maxSequences);
        int status = LlamaNative.llama_decode(_context, batch);
        if (status != 0)
        {
            _batch.Invalidate();
            throw new LlamaException($"llama_decode failed with {status} on {count} tokens of {end - first} inputs.");
        }

        for (int i = first; i < end; i++)
        {
            float* pooled = LlamaNative.llama_get_embeddings_seq(_context, new SeqId(i - first));
            if (pooled is null)
            {
                throw new LlamaException($"llama.cpp returned no pooled embedding for sequence {i - first}.");
            }

            float[] vector = new ReadOnlySpan<float>(pooled, Dimensions).ToArray();
            Normalize(vector);
            vectors[i] = vector;
        }

        return end;
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information,
        Message = "Loaded {ModelPath} for embeddings: {Dimensions} dimensions, {Pooling} pooling, up to {ContextLength} tokens per input, {MaxSequences} inputs per decode")]
    private static partial void LogLoaded(ILogger logger, string modelPath, int dimensions, EmbeddingPooling pooling, int contextLength, int maxSequences);
}
