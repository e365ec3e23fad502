namespace LocalLlm.ModelForge.Gguf;

/// <summary>
/// A tensor descriptor. <see cref="Shape"/> is in ggml order (<c>ne[0]</c> is contiguous), <see cref="Offset"/> is
/// relative to the start of the data section and <see cref="ByteSize"/> excludes alignment padding.
/// </summary>
internal sealed record GgufTensorInfo(string Name, GgmlType Type, long[] Shape, long Offset, long ByteSize)
{
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (var dim in Shape)
            {
                count = checked(count * dim);
            }

            return count;
        }
    }
}
