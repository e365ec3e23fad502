namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>
/// <c>struct llama_model_params</c> of llama.cpp v0.5.0: 80 bytes on x86-64.
/// Field order and types follow llama.h exactly; the layout tests pin every offset.
/// Obtain instances from <c>llama_model_default_params()</c> and change only what differs.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaModelParams
{
    /// <summary>ggml_backend_dev_t*: NULL-terminated device list; NULL uses every device.</summary>
    public nint Devices;

    /// <summary>const llama_model_tensor_buft_override*: NULL-terminated.</summary>
    public nint TensorBuftOverrides;

    /// <summary>Layers kept in VRAM; negative means all.</summary>
    public int NGpuLayers;

    public LlamaSplitMode SplitMode;

    public LlamaLoadMode LoadMode;

    public LlamaLazyMode LazyMode;

    public int MainGpu;

    /// <summary>const float*: llama_max_devices() proportions.</summary>
    public float* TensorSplit;

    /// <summary>bool (*)(float progress, void* user_data); returning false aborts the load.</summary>
    public delegate* unmanaged[Cdecl]<float, void*, byte> ProgressCallback;

    public void* ProgressCallbackUserData;

    /// <summary>const llama_model_kv_override*.</summary>
    public nint KvOverrides;

    public CBool VocabOnly;

    public CBool CheckTensors;

    public CBool UseExtraBufts;

    public CBool NoHost;

    public CBool NoAlloc;

    public CBool LoadMtp;
}
