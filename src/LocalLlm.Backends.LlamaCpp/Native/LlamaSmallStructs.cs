namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary><c>llama_token_data</c>: 12 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaTokenData
{
    public LlamaToken Id;

    public float Logit;

    public float P;
}

/// <summary><c>llama_token_data_array</c>: 32 bytes. Samplers may replace <see cref="Data"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaTokenDataArray
{
    public LlamaTokenData* Data;

    public nuint Size;

    /// <summary>Index into <see cref="Data"/> (not a token id); -1 when nothing is selected.</summary>
    public long Selected;

    public CBool Sorted;
}

/// <summary><c>llama_logit_bias</c>: 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaLogitBias
{
    public LlamaToken Token;

    public float Bias;
}

/// <summary><c>llama_sampler_chain_params</c>: a single C bool.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaSamplerChainParams
{
    public CBool NoPerf;
}

/// <summary><c>llama_chat_message</c>: two NUL-terminated UTF-8 strings the caller keeps alive.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaChatMessage
{
    public byte* Role;

    public byte* Content;
}

/// <summary>
/// <c>llama_model_quantize_params</c>: 64 bytes. Obtain from <c>llama_model_quantize_default_params()</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaModelQuantizeParams
{
    /// <summary>Threads; &lt;= 0 uses hardware_concurrency.</summary>
    public int NThread;

    public LlamaFileType FType;

    /// <summary><see cref="GgmlType.Count"/> means "decided by ftype".</summary>
    public GgmlType OutputTensorType;

    public GgmlType TokenEmbeddingType;

    public CBool AllowRequantize;

    public CBool QuantizeOutputTensor;

    public CBool OnlyCopy;

    public CBool Pure;

    public CBool KeepSplit;

    public CBool DryRun;

    /// <summary>const llama_model_imatrix_data*.</summary>
    public nint Imatrix;

    /// <summary>const llama_model_kv_override*.</summary>
    public nint KvOverrides;

    /// <summary>const llama_model_tensor_override*.</summary>
    public nint TtOverrides;

    /// <summary>const int32_t*.</summary>
    public nint PruneLayers;

    /// <summary>Bytes of tensor rows kept in memory at once; 0 means the 8 GiB default.</summary>
    public nuint MaxBufSize;
}
