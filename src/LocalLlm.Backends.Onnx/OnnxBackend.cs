using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Sampling;
using Microsoft.Extensions.Logging;

namespace LocalLlm.Backends.Onnx;

/// <summary>
/// An onnxruntime-genai style decoder (GroupQueryAttention over a shared past/present KV buffer) behind the engine.
/// Sequence i owns row i of the KV buffers and holds a contiguous prefix [0, length_i) there, so cells cannot be
/// shared between sequences (<see cref="BackendInfo.SupportsPrefixSharing"/> is false). Each Decode runs the
/// single-token sequences together over rows [0, highest decoding row] and every prompt chunk alone over its row.
/// Driven by one engine thread; only <see cref="Tokenizer"/> may be used from others.
/// </summary>
public sealed partial class OnnxBackend : IModelBackend
{
    private readonly OnnxModelSession _session;
    private readonly KvCacheBuffers _kv;
    private readonly OnnxTokenizer _tokenizer;
    private readonly LogitsStore _logits;
    private readonly int[] _lengths;
    private readonly int _penaltyLastN;
    private bool _disposed;

    private OnnxBackend(OnnxModelDescription model, OnnxModelSession session, KvCacheBuffers kv, int sequenceLength, OnnxBackendOptions options)
    {
        _session = session;
        _kv = kv;
        _tokenizer = model.Tokenizer;
        _penaltyLastN = options.PenaltyLastN;
        SequenceLength = sequenceLength;
        _lengths = new int[options.MaxSequences];
        int vocabulary = model.Genai.VocabularySize;
        _logits = new LogitsStore(vocabulary, options.MaxBatchTokens);
        Info = new BackendInfo
        {
            Architecture = model.Genai.ModelType,
            ContextSize = sequenceLength * options.MaxSequences,
            TrainContextLength = sequenceLength,
            MaxSequences = options.MaxSequences,
            MaxBatchTokens = options.MaxBatchTokens,
            VocabularySize = vocabulary,
            ChatTemplate = model.TokenizerConfig.ChatTemplate,
            SizeBytes = ModelBytes(model),
            Description = $"{model.Genai.ModelType} ONNX model, {model.Genai.Layers} layers, KV {kv.ElementType}",
            SupportsPrefixSharing = false,
        };
    }

    public BackendInfo Info { get; }

    public ITokenizer Tokenizer => _tokenizer;

    /// <summary>Positions one sequence's row holds.</summary>
    public int SequenceLength { get; }

    /// <summary>Bytes of the pre-allocated KV buffers.</summary>
    public long KvCacheBytes => _kv.TotalBytes;

    /// <summary>Loads the folder's configuration, tokenizer and graph, and allocates the KV buffers.</summary>
    /// <exception cref="OnnxModelException">The folder is incomplete or unsupported, or the device is unavailable.</exception>
    public static OnnxBackend Load(OnnxBackendOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        OnnxModelDescription model = OnnxModelFolder.Read(options.ModelPath);
        GenaiConfig genai = model.Genai;
        var session = new OnnxModelSession(options.ModelPath, genai, options);
        try
        {
            // One scratch position past the usable ones: a row that only gets a dummy token in a decode run writes it
            // at its length, which must stay inside the buffer even when the row is full.
            int usable = Math.Min(options.SequenceLength ?? Math.Min(genai.MaxLength, genai.ContextLength), genai.ContextLength);
            int capacity = session.FixedKvCapacity ?? usable + 1;
            usable = Math.Min(usable, capacity - 1);
            if (usable < 1)
            {
                throw new OnnxModelException($"The graph's KV buffers hold {capacity} positions; at least 2 are needed.");
            }

            var kv = new KvCacheBuffers(genai.Layers, options.MaxSequences, genai.KeyValueHeads, capacity, genai.HeadSize, session.KvElementType, session.Device);
            var backend = new OnnxBackend(model, session, kv, usable, options);
            if (logger is not null)
            {
                LogLoaded(logger, options.ModelPath, genai.ModelType, options.MaxSequences, usable, kv.TotalBytes >> 20, options.Device);
            }

            return backend;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Positions sequence <paramref name="sequenceId"/> holds.</summary>
    public int SequenceLengthOf(int sequenceId)
    {
        ThrowIfBadSequence(sequenceId);
        return _lengths[sequenceId];
    }

    public DecodeStatus Decode(ReadOnlySpan<BatchToken> tokens)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tokens.Length > Info.MaxBatchTokens)
        {
            throw new ArgumentException($"The batch holds {tokens.Length} tokens; at most {Info.MaxBatchTokens} are accepted.", nameof(tokens));
        }

        _logits.Reset(tokens);
        if (tokens.IsEmpty)
        {
            return DecodeStatus.Ok;
        }

        DecodePlan? plan = DecodePlan.Create(tokens, _lengths, SequenceLength);
        if (plan is null)
        {
            return DecodeStatus.NoKvSlot;
        }

        if (plan.DecodeRows > 0)
        {
            RunDecode(tokens, plan);
        }

        foreach (PrefillRun prefill in plan.Prefills)
        {
            RunPrefill(tokens, prefill);
        }

        return DecodeStatus.Ok;
    }

    public ReadOnlySpan<float> GetLogits(int batchIndex)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _logits.Get(batchIndex);
    }

    /// <exception cref="NotSupportedException">A grammar is set: grammars need the llama.cpp backend.</exception>
    public ITokenSampler CreateSampler(SamplingParams sampling)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new LogitsSampler(sampling, Info.VocabularySize, GetLogits, _penaltyLastN);
    }

    /// <summary>Only the open end can be dropped: a row holds a contiguous prefix, so [fromPos, -1) truncates it to fromPos.</summary>
    public void RemoveTokens(int sequenceId, int fromPos, int toPos)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfBadSequence(sequenceId);
        ArgumentOutOfRangeException.ThrowIfNegative(fromPos);
        int length = _lengths[sequenceId];
        if (toPos >= 0 && toPos < length && fromPos < toPos)
        {
            throw new NotSupportedException(
                $"Sequence {sequenceId} holds positions [0, {length}); removing [{fromPos}, {toPos}) would leave a hole, and ONNX rows hold contiguous prefixes only.");
        }

        _lengths[sequenceId] = Math.Min(length, fromPos);
    }

    /// <summary>Copies (does not share) the cells of [fromPos, toPos) into the target row, which must end at fromPos.</summary>
    public void CopyTokens(int source, int target, int fromPos, int toPos)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfBadSequence(source);
        ThrowIfBadSequence(target);
        int end = toPos < 0 ? _lengths[source] : Math.Min(toPos, _lengths[source]);
        if (fromPos >= end)
        {
            return;
        }

        if (fromPos > _lengths[target])
        {
            throw new NotSupportedException(
                $"Sequence {target} holds positions [0, {_lengths[target]}); copying from position {fromPos} would leave a hole.");
        }

        _kv.CopyPositions(source, target, fromPos, end);
        _lengths[target] = Math.Max(_lengths[target], end);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _kv.Dispose();
        _session.Dispose();
    }

    private void ThrowIfBadSequence(int sequenceId)
    {
        if ((uint)sequenceId >= (uint)_lengths.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(sequenceId), sequenceId, $"Sequence ids are in [0, {_lengths.Length}).");
        }
    }

    private static long ModelBytes(OnnxModelDescription model) =>
        Directory.EnumerateFiles(model.Folder).Where(f => Path.GetFileName(f).StartsWith(Path.GetFileNameWithoutExtension(model.Genai.DecoderFileName), StringComparison.Ordinal))
            .Sum(f => new FileInfo(f).Length);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information,
        Message = "Loaded {ModelPath} ({Architecture}) with {MaxSequences} KV rows of {SequenceLength} positions ({KvMiB} MiB) on {Device}")]
    private static partial void LogLoaded(ILogger logger, string modelPath, string architecture, int maxSequences, int sequenceLength, long kvMiB, OnnxDevice device);
}
