namespace LocalLlm.ModelForge.Gguf;

/// <summary>Tensor element types as stored on disk (ggml.h, <c>enum ggml_type</c>); only the ones this project meets.</summary>
internal enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    BF16 = 30,
}

internal static class GgmlTypeTraits
{
    /// <summary>
    /// Elements per block and bytes per block. A row of <c>ne[0]</c> elements must hold a whole number of blocks,
    /// which is why K-quants need rows that are multiples of 256.
    /// </summary>
    public static (int BlockSize, int BlockBytes) Layout(GgmlType type) => type switch
    {
        GgmlType.F32 => (1, 4),
        GgmlType.F16 => (1, 2),
        GgmlType.BF16 => (1, 2),
        GgmlType.Q4_0 => (32, 18),
        GgmlType.Q4_1 => (32, 20),
        GgmlType.Q5_0 => (32, 22),
        GgmlType.Q5_1 => (32, 24),
        GgmlType.Q8_0 => (32, 34),
        GgmlType.Q8_1 => (32, 36),
        GgmlType.Q2_K => (256, 84),
        GgmlType.Q3_K => (256, 110),
        GgmlType.Q4_K => (256, 144),
        GgmlType.Q5_K => (256, 176),
        GgmlType.Q6_K => (256, 210),
        GgmlType.Q8_K => (256, 292),
        _ => throw new NotSupportedException($"ggml type {(uint)type} is not supported."),
    };

    public static bool IsKnown(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16
        or GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q8_0 or GgmlType.Q8_1
        or GgmlType.Q2_K or GgmlType.Q3_K or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K or GgmlType.Q8_K;

    /// <summary>Size in bytes of a tensor with the given shape (ne order: innermost first).</summary>
    public static long ByteSize(GgmlType type, ReadOnlySpan<long> shape)
    {
        var (blockSize, blockBytes) = Layout(type);
        if (shape.Length == 0 || shape[0] % blockSize != 0)
        {
            throw new ArgumentException($"Rows of {(shape.Length == 0 ? 0 : shape[0])} elements do not hold whole {type} blocks of {blockSize}.");
        }

        long rows = 1;
        for (var i = 1; i < shape.Length; i++)
        {
            rows = checked(rows * shape[i]);
        }

        return checked(shape[0] / blockSize * blockBytes * rows);
    }
}
