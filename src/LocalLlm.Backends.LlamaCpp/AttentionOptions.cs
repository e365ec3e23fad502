using LocalLlm.Backends.LlamaCpp.Native;

namespace LocalLlm.Backends.LlamaCpp;

/// <summary>llama.cpp's flash attention switch, as llama-server's <c>--flash-attn auto|on|off</c>.</summary>
public enum FlashAttention
{
    /// <summary>llama.cpp decides per device: on wherever the device supports it, including the CPU.</summary>
    Auto,
    On,

    /// <summary>
    /// Plain attention: a sequence's logits no longer depend on where its cells sit in the shared cache, so with an
    /// F32 cache a seed reproduces the same text whatever else runs beside it. It scores every sequence against all
    /// cells in use, so many sequences decode together far more slowly (about a third of the tokens/s at 32 on a CPU).
    /// </summary>
    Off,
}

/// <summary>Element type of the K or V half of the KV cache, as llama-server's <c>--cache-type-k/-v</c>.</summary>
public enum KvCacheType
{
    F16,
    F32,
    BF16,
    Q8_0,
    Q4_0,
}

/// <summary>The names llama-server gives these options, and their native values.</summary>
public static class AttentionOptionsExtensions
{
    internal static LlamaFlashAttnType ToNative(this FlashAttention mode) => mode switch
    {
        FlashAttention.Auto => LlamaFlashAttnType.Auto,
        FlashAttention.On => LlamaFlashAttnType.Enabled,
        FlashAttention.Off => LlamaFlashAttnType.Disabled,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Flash attention is auto, on or off."),
    };

    internal static GgmlType ToNative(this KvCacheType type) => type switch
    {
        KvCacheType.F16 => GgmlType.F16,
        KvCacheType.F32 => GgmlType.F32,
        KvCacheType.BF16 => GgmlType.BF16,
        KvCacheType.Q8_0 => GgmlType.Q8_0,
        KvCacheType.Q4_0 => GgmlType.Q4_0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "KV cache types are f16, f32, bf16, q8_0 and q4_0."),
    };

    public static bool IsQuantized(this KvCacheType type) => type is KvCacheType.Q8_0 or KvCacheType.Q4_0;

    /// <summary>Parses the names llama-server takes (f16, f32, bf16, q8_0, q4_0), in any case.</summary>
    public static bool TryParse(string? text, out KvCacheType type)
    {
        type = text?.ToLowerInvariant() switch
        {
            "f16" => KvCacheType.F16,
            "f32" => KvCacheType.F32,
            "bf16" => KvCacheType.BF16,
            "q8_0" => KvCacheType.Q8_0,
            "q4_0" => KvCacheType.Q4_0,
            _ => (KvCacheType)(-1),
        };
        return Enum.IsDefined(type);
    }

    /// <summary>Parses auto, on or off (also true/false and 1/0), in any case.</summary>
    public static bool TryParse(string? text, out FlashAttention mode)
    {
        mode = text?.ToLowerInvariant() switch
        {
            "auto" => FlashAttention.Auto,
            "on" or "true" or "1" or "enabled" => FlashAttention.On,
            "off" or "false" or "0" or "disabled" => FlashAttention.Off,
            _ => (FlashAttention)(-1),
        };
        return Enum.IsDefined(mode);
    }
}
