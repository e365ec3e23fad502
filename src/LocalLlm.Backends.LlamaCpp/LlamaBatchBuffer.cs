using LocalLlm.Backends.LlamaCpp.Native;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.LlamaCpp;

/// <summary>
/// The one native <c>llama_batch</c> a backend decodes with, allocated once for <see cref="Capacity"/> tokens of one
/// sequence id each: filling it per step allocates nothing. It also remembers which entries of the last fill asked
/// for logits, so samplers can refuse an index llama.cpp has no logits for (llama_sampler_sample aborts the process).
/// </summary>
internal sealed unsafe class LlamaBatchBuffer : IDisposable
{
    private LlamaBatch _batch;
    private int _count;
    private bool _disposed;

    public LlamaBatchBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _batch = LlamaNative.llama_batch_init(capacity, 0, 1);
        if (_batch.Token is null || _batch.SeqIds is null)
        {
            throw new LlamaException($"llama_batch_init could not allocate a batch of {capacity} tokens.");
        }

        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Tokens of the last <see cref="Fill"/>.</summary>
    public int Count => _count;

    /// <summary>Copies <paramref name="tokens"/> into the native arrays.</summary>
    /// <returns>The batch to pass to llama_decode, by value; its arrays stay owned by this buffer.</returns>
    public LlamaBatch Fill(ReadOnlySpan<BatchToken> tokens, int vocabularySize, int maxSequences)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (tokens.IsEmpty || tokens.Length > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens.Length, $"A batch holds 1 to {Capacity} tokens.");
        }

        // Invalidated first: if validation throws half-way, no index of a stale fill looks usable.
        _count = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            ref readonly var t = ref tokens[i];
            if ((uint)t.Token >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), t.Token, $"Token {i} is outside the vocabulary [0, {vocabularySize}).");
            }

            if ((uint)t.SequenceId >= (uint)maxSequences)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), t.SequenceId, $"Sequence id of token {i} is outside [0, {maxSequences}).");
            }

            if (t.Position < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), t.Position, $"Position of token {i} is negative.");
            }

            _batch.Token[i] = new LlamaToken(t.Token);
            _batch.Pos[i] = new LlamaPos(t.Position);
            _batch.NSeqId[i] = 1;
            _batch.SeqIds[i][0] = new SeqId(t.SequenceId);
            _batch.Logits[i] = t.WantLogits ? (sbyte)1 : (sbyte)0;
        }

        _count = tokens.Length;
        var submitted = _batch;
        submitted.NTokens = tokens.Length;
        return submitted;
    }

    /// <summary>Forgets the last fill, e.g. after a failed decode left no logits behind.</summary>
    public void Invalidate() => _count = 0;

    /// <summary>Whether index <paramref name="batchIndex"/> of the last fill asked for logits.</summary>
    public bool HasLogits(int batchIndex)
        => !_disposed && (uint)batchIndex < (uint)_count && _batch.Logits[batchIndex] != 0;

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    // The arrays are plain malloc'd memory with no other owner, so freeing them from the finalizer is safe.
    ~LlamaBatchBuffer() => Free();

    private void Free()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _count = 0;
        LlamaNative.llama_batch_free(_batch);
        _batch = default;
    }
}
