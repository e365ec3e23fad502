using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LocalLlm.Backends.Onnx;

/// <summary>
/// The KV cache: per layer one key and one value buffer of shape [rows, kv_heads, capacity, head_size], allocated
/// once in native memory and bound as both past and present input of every run, so the model writes new entries in
/// place and no step copies the cache. The batch dimension is outermost, so any run of consecutive rows is one
/// contiguous slice that an OrtValue can view. Views are created once and kept. With a device allocator (CUDA) the
/// buffers live in device memory, so runs neither copy the cache to the device nor back.
/// </summary>
internal sealed unsafe class KvCacheBuffers : IDisposable
{
    private readonly nint[] _buffers;
    private readonly OrtMemoryInfo _memoryInfo;
    private readonly OrtValue[]? _deviceAllocations;
    private readonly OrtValue[]?[] _leadingRows;
    private readonly OrtValue[]?[] _singleRows;
    private readonly long _rowBytes;
    private readonly int _positionBytes;
    private bool _disposed;

    /// <param name="device">Allocates the buffers in its device memory; null allocates them in host memory.</param>
    public KvCacheBuffers(int layers, int rows, int kvHeads, int capacity, int headSize, TensorElementType elementType, (OrtAllocator Allocator, OrtMemoryInfo Info)? device = null)
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
        _memoryInfo = device?.Info ?? OrtMemoryInfo.DefaultInstance;
        _deviceAllocations = device is null ? null : new OrtValue[_buffers.Length];
        long bufferBytes = _rowBytes * rows;
        try
        {
            for (int i = 0; i < _buffers.Length; i++)
            {
                if (device is { } target)
                {
                    // Not zeroed (no device memset here): attention reads only the valid positions of each row. The
                    // span only carries the device address; it is never dereferenced on the host.
                    _deviceAllocations![i] = OrtValue.CreateAllocatedTensorValue(target.Allocator, elementType, [rows, kvHeads, capacity, headSize]);
                    fixed (byte* address = _deviceAllocations[i].GetTensorMutableRawData())
                    {
                        _buffers[i] = (nint)address;
                    }
                }
                else
                {
                    // Zeroed so positions no run has written hold finite values even if a kernel touches them.
                    _buffers[i] = (nint)NativeMemory.AlignedAlloc((nuint)bufferBytes, 64);
                    NativeMemory.Clear((void*)_buffers[i], (nuint)bufferBytes);
                }
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
        if (_deviceAllocations is not null)
        {
            throw new NotSupportedException("Copying KV positions between rows is done on the host; this cache lives in device memory.");
        }

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
            if (_deviceAllocations is not null)
            {
                _deviceAllocations[i]?.Dispose();
            }
            else
            {
                NativeMemory.AlignedFree((void*)_buffers[i]);
            }

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
                _memoryInfo, ElementType, shape, _buffers[i] + (nint)(firstRow * _rowBytes), _rowBytes * rowCount);
        }

        return views;
    }
}
