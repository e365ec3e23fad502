namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>
/// <c>struct llama_batch</c>: 56 bytes, a count and six parallel arrays of n_tokens entries.
/// Instances from <c>llama_batch_init</c> own their arrays until <c>llama_batch_free</c>; <see cref="NTokens"/>
/// may be lowered to submit a prefix without changing what <c>llama_batch_free</c> releases.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaBatch
{
    public int NTokens;

    /// <summary>Used when <see cref="Embd"/> is NULL.</summary>
    public LlamaToken* Token;

    public float* Embd;

    public LlamaPos* Pos;

    /// <summary>How many entries of <see cref="SeqIds"/>[i] are used.</summary>
    public int* NSeqId;

    public SeqId** SeqIds;

    /// <summary>int8_t per token: nonzero means its logits are kept after llama_decode.</summary>
    public sbyte* Logits;
}
