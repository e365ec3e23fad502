namespace LocalLlm.Backends.LlamaCpp.Native;

// Mirrors of the llama.h / ggml.h enums that appear in the bound structs and functions.
// C enums are int-sized on x86-64, so every mirror keeps the default int underlying type.

internal enum LlamaSplitMode
{
    None = 0,
    Layer = 1,
    Row = 2,
    Tensor = 3,
}

internal enum LlamaLoadMode
{
    Auto = -1,
    None = 0,
    Mmap = 1,
    Mlock = 2,
    MmapMlock = 3,
    DirectIo = 4,
}

internal enum LlamaLazyMode
{
    Off = 0,
    Auto = 1,
    On = 2,
}

internal enum LlamaContextType
{
    Default = 0,
    Mtp = 1,
}

internal enum LlamaRopeScalingType
{
    Unspecified = -1,
    None = 0,
    Linear = 1,
    Yarn = 2,
    LongRope = 3,
}

internal enum LlamaPoolingType
{
    Unspecified = -1,
    None = 0,
    Mean = 1,
    Cls = 2,
    Last = 3,
    Rank = 4,
}

internal enum LlamaAttentionType
{
    Unspecified = -1,
    Causal = 0,
    NonCausal = 1,
}

internal enum LlamaFlashAttnType
{
    Auto = -1,
    Disabled = 0,
    Enabled = 1,
}

internal enum LlamaVocabType
{
    None = 0,
    Spm = 1,
    Bpe = 2,
    Wpm = 3,
    Ugm = 4,
    Rwkv = 5,
    Plamo2 = 6,
    Test = 7,
}

/// <summary>The subset of <c>enum ggml_type</c> this binding names; other values pass through unchanged.</summary>
internal enum GgmlType
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q8_0 = 8,
    Q4_K = 12,
    Q6_K = 14,
    BF16 = 30,

    /// <summary>GGML_TYPE_COUNT: used by the quantize parameters as "not set".</summary>
    Count = 43,
}

internal enum GgmlLogLevel
{
    None = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,

    /// <summary>Continues the previous message.</summary>
    Cont = 5,
}

internal enum GgmlBackendDeviceType
{
    Cpu = 0,
    Gpu = 1,
    IGpu = 2,
    Accel = 3,
    Meta = 4,
}
