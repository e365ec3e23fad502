using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LocalLlm.Backends.Onnx;

/// <summary>
/// The KV cache: per layer one key and one value buffer of shape [rows, kv_heads, capacity, head_size], allocated
/// once in native memory and bound as both past and present input of every run, so the model writes new entries in
/// place and no step copies the cache. The batch dimension is outermost, so any run of consecutive rows is one
/// contiguous slice that an OrtValue can view. Views are created once and kept.
/// </summary>
internal sealed unsafe class KvCacheBuffers : IDisposable
{
    private readonly nint[] _buffers;
    private readonly OrtValue[]?[] _leadingRows;
    private readonly OrtValue[]?[] _singleRows;
    private readonly long _rowBytes;
    private readonly int _positionBytes;
    private bool _disposed;

    public KvCacheBuffers(int layers, int rows, int kvHeads, int capacity, int headSize, TensorElementType elementType)
    {
        Layers = layers;
        Rows = rows;
        KvHeads = kvHeads;
        Capacity = capacity;
        HeadSize = headSize;
        ElementType = elementType;
        int elementSize = elementType switch
        {
            TensorElementType.Float => 4,
            TensorElementType.Float16 => 2,
            _ => throw new OnnxModelException($"KV cache inputs of type {elementType} are not supported (float32 or float16)."),
        };
        _positionBytes = headSize * elementSize;
        _rowBytes = (long)kvHeads * capacity * _positionBytes;
        _buffers = new nint[layers * 2];
        try
        {
            for (int i = 0; i < _buffers.Length; i++)
            {
                // Zeroed so positions no run has written hold finite values even if a kernel touches them.
                _buffers[i] = (nint)NativeMemory.AlignedAlloc((nuint)(_rowBytes * rows), 64);
                NativeMemory.Clear((void*)_buffers[i], (nuint)(_rowBytes * rows));
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        _leadingRows = new OrtValue[]?[rows + 1];
        _singleRows = new OrtValue[]?[rows];
    }

    public int Layers { get; }
    public int Rows { get; }
    public int KvHeads { get; }
    public int Capacity { get; }
    public int HeadSize { get; }
    public TensorElementType ElementType { get; }

    public long TotalBytes => _rowBytes * Rows * _buffers.Length;

    /// <summary>Views of rows [0, count): per layer the key then the value buffer.</summary>
    public OrtValue[] LeadingRows(int count) => _leadingRows[count] ??= CreateViews(0, count);

    /// <summary>Views of the single row <paramref name="row"/>, as a batch of one.</summary>
    public OrtValue[] Row(int row) => _singleRows[row] ??= CreateViews(row, 1);

    /// <summary>Copies positions [from, to) of <paramref name="source"/>'s row into the same positions of <paramref name="target"/>'s, in every layer.</summary>
    public void CopyPositions(int source, int target, int from, int to)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long bytes = (long)(to - from) * _positionBytes;
        if (bytes <= 0 || source == target)
        {
            return;
        }

        foreach (nint buffer in _buffers)
        {
            for (int head = 0; head < KvHeads; head++)
            {
                long offset = (head * (long)Capacity + from) * _positionBytes;
                byte* sourcePtr = (byte*)buffer + (source * _rowBytes) + offset;
                byte* targetPtr = (byte*)buffer + (target * _rowBytes) + offset;
                Buffer.MemoryCopy(sourcePtr, targetPtr, bytes, bytes);
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (OrtValue[]? views in _leadingRows.Concat(_singleRows))
        {
            if (views is not null)
            {
                foreach (OrtValue view in views)
                {
                    view.Dispose();
                }
            }
        }

        for (int i = 0; i < _buffers.Length; i++)
        {
            NativeMemory.AlignedFree((void*)_buffers[i]);
            _buffers[i] = 0;
        }
    }

    private OrtValue[] CreateViews(int firstRow, int rowCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long[] shape = [rowCount, KvHeads, Capacity, HeadSize];
        var views = new OrtValue[_buffers.Length];
        for (int i = 0; i < _buffers.Length; i++)
        {
            views[i] = OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, ElementType, shape, _buffers[i] + (nint)(firstRow * _rowBytes), _rowBytes * rowCount);
        }

        return views;
    }
}
