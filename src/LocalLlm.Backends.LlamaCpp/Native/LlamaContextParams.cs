namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>
/// <c>struct llama_context_params</c> of llama.cpp v0.5.0: 160 bytes on x86-64
/// (n_seq_max at 12, the bool block at 128..133, kv_unified at 133).
/// Obtain instances from <c>llama_context_default_params()</c> and change only what differs.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaContextParams
{
    /// <summary>Text context in KV cells; 0 takes it from the model. With <see cref="KvUnified"/> all sequences share it.</summary>
    public uint NCtx;

    /// <summary>Most tokens one llama_decode call accepts.</summary>
    public uint NBatch;

    /// <summary>Physical batch: llama_decode splits the logical batch into micro-batches of this size.</summary>
    public uint NUbatch;

    /// <summary>Distinct sequence ids, at most llama_max_parallel_sequences() (256).</summary>
    public uint NSeqMax;

    public uint NRsSeq;

    public uint NOutputsMax;

    public uint NOutputsMaxPerSeq;

    public int NThreads;

    public int NThreadsBatch;

    public LlamaContextType CtxType;

    public LlamaRopeScalingType RopeScalingType;

    public LlamaPoolingType PoolingType;

    public LlamaAttentionType AttentionType;

    public LlamaFlashAttnType FlashAttnType;

    public float RopeFreqBase;

    public float RopeFreqScale;

    public float YarnExtFactor;

    public float YarnAttnFactor;

    public float YarnBetaFast;

    public float YarnBetaSlow;

    public uint YarnOrigCtx;

    public float DefragThold;

    /// <summary>ggml_backend_sched_eval_callback.</summary>
    public nint CbEval;

    public void* CbEvalUserData;

    public GgmlType TypeK;

    public GgmlType TypeV;

    /// <summary>bool (*)(void* data): returning true aborts llama_decode (CPU only).</summary>
    public delegate* unmanaged[Cdecl]<void*, byte> AbortCallback;

    public void* AbortCallbackData;

    public CBool Embeddings;

    public CBool OffloadKqv;

    public CBool NoPerf;

    public CBool OpOffload;

    public CBool SwaFull;

    /// <summary>One KV buffer for all sequences, so cells can be shared between them (llama_memory_seq_cp without copying).</summary>
    public CBool KvUnified;

    /// <summary>struct llama_sampler_seq_config*: backend samplers (unused here).</summary>
    public nint Samplers;

    public nuint NSamplers;

    /// <summary>struct llama_context*.</summary>
    public nint CtxOther;
}
