using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace LocalLlm.ModelForge.Gguf;

/// <summary>
/// Streaming GGUF v3 writer. Usage is strictly phased: add metadata and declare every tensor, call
/// <see cref="WriteHeader"/>, then stream each tensor's data in declaration order, then <see cref="Finish"/>.
/// Only metadata and tensor descriptors are held in memory; tensor data goes straight to the stream, so the size of
/// a model is bounded by the disk, not by memory. Tensor offsets are computed up front from the declared shapes,
/// which is what lets the header precede data that does not exist yet.
/// </summary>
internal sealed partial class GgufWriter : IDisposable
{
    public const uint Version = 3;
    public const uint DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";

    /// <summary>Tensor names must be shorter than ggml's GGML_MAX_NAME (64) including the terminator.</summary>
    public const int MaxTensorNameBytes = 63;

    private static readonly byte[] Magic = "GGUF"u8.ToArray();

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly List<KeyValuePair<string, GgufValue>> _metadata = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<GgufTensorInfo> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private readonly byte[] _scratch = new byte[16];

    private long _position;
    private long _dataStart = -1;
    private int _current;
    private long _currentWritten;
    private bool _finished;

    public GgufWriter(Stream stream, bool leaveOpen = false)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("GGUF tensor data is written little-endian straight from memory.");
        }

        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _leaveOpen = leaveOpen;
    }

    public uint Alignment { get; private set; } = DefaultAlignment;

    public IReadOnlyList<GgufTensorInfo> Tensors => _tensors;

    /// <summary>Bytes written so far; after <see cref="Finish"/> this is the file size.</summary>
    public long BytesWritten => _position;

    public void Add(string key, GgufValue value)
    {
        EnsurePhase(headerWritten: false);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!_keys.Add(key))
        {
            throw new ArgumentException($"Duplicate metadata key '{key}'.", nameof(key));
        }

        if (key == AlignmentKey)
        {
            // The reference reader insists on uint32 and a power of two; anything else would make the file unreadable.
            var alignment = value.Type == GgufValueType.UInt32
                ? value.As<uint>()
                : throw new ArgumentException($"'{AlignmentKey}' must be a uint32.", nameof(value));
            Alignment = alignment != 0 && (alignment & (alignment - 1)) == 0
                ? alignment
                : throw new ArgumentException($"'{AlignmentKey}' must be a power of two, got {alignment}.", nameof(value));
        }

        _metadata.Add(new(key, value));
    }

    public void AddUInt8(string key, byte value) => Add(key, GgufValue.UInt8(value));
    public void AddInt8(string key, sbyte value) => Add(key, GgufValue.Int8(value));
    public void AddUInt16(string key, ushort value) => Add(key, GgufValue.UInt16(value));
    public void AddInt16(string key, short value) => Add(key, GgufValue.Int16(value));
    public void AddUInt32(string key, uint value) => Add(key, GgufValue.UInt32(value));
    public void AddInt32(string key, int value) => Add(key, GgufValue.Int32(value));
    public void AddFloat32(string key, float value) => Add(key, GgufValue.Float32(value));
    public void AddBool(string key, bool value) => Add(key, GgufValue.Bool(value));
    public void AddString(string key, string value) => Add(key, GgufValue.String(value));
    public void AddUInt64(string key, ulong value) => Add(key, GgufValue.UInt64(value));
    public void AddInt64(string key, long value) => Add(key, GgufValue.Int64(value));
    public void AddFloat64(string key, double value) => Add(key, GgufValue.Float64(value));

    /// <summary>Declares a tensor. <paramref name="shape"/> is in ggml order: <c>ne[0]</c>, the contiguous dimension, first.</summary>
    public void AddTensor(string name, GgmlType type, params long[] shape)
    {
        EnsurePhase(headerWritten: false);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (Encoding.UTF8.GetByteCount(name) > MaxTensorNameBytes)
        {
            throw new ArgumentException($"Tensor name '{name}' is longer than {MaxTensorNameBytes} bytes.", nameof(name));
        }

        if (shape.Length is < 1 or > 4 || Array.Exists(shape, d => d <= 0))
        {
            throw new ArgumentException($"Tensor '{name}' needs 1 to 4 positive dimensions.", nameof(shape));
        }

        if (!_tensorNames.Add(name))
        {
            throw new ArgumentException($"Duplicate tensor name '{name}'.", nameof(name));
        }

        // Offsets are assigned in WriteHeader, once the alignment can no longer change.
        _tensors.Add(new GgufTensorInfo(name, type, (long[])shape.Clone(), -1, GgmlTypeTraits.ByteSize(type, shape)));
    }

    public void WriteHeader()
    {
        EnsurePhase(headerWritten: false);

        // The reference reader requires each offset to be exactly the padded end of the previous tensor.
        long offset = 0;
        for (var i = 0; i < _tensors.Count; i++)
        {
            _tensors[i] = _tensors[i] with { Offset = offset };
            offset += Pad(_tensors[i].ByteSize, Alignment);
        }

        WriteBytes(Magic);
        WriteUInt32(Version);
        WriteUInt64((ulong)_tensors.Count);
        WriteUInt64((ulong)_metadata.Count);
        foreach (var (key, value) in _metadata)
        {
            WriteString(key);
            WriteValue(value);
        }

        foreach (var tensor in _tensors)
        {
            WriteString(tensor.Name);
            WriteUInt32((uint)tensor.Shape.Length);
            foreach (var dim in tensor.Shape)
            {
                WriteUInt64((ulong)dim);
            }

            WriteUInt32((uint)tensor.Type);
            WriteUInt64((ulong)tensor.Offset);
        }

        // The data section starts aligned relative to the start of the file.
        WritePadding(Pad(_position, Alignment) - _position);
        _dataStart = _position;
    }

    /// <summary>Appends data to the current tensor, converting to its type; F32 and F16 tensors only.</summary>
    public void WriteTensorData(ReadOnlySpan<float> values)
    {
        var tensor = CurrentTensor();
        switch (tensor.Type)
        {
            case GgmlType.F32:
                WriteTensorBytes(MemoryMarshal.AsBytes(values));
                break;
            case GgmlType.F16:
                var buffer = ArrayPool<Half>.Shared.Rent(Math.Min(values.Length, 1 << 16));
                try
                {
                    while (!values.IsEmpty)
                    {
                        var count = Math.Min(values.Length, buffer.Length);
                        for (var i = 0; i < count; i++)
                        {
                            // Round-to-nearest-even, the same rounding ggml's own F32 to F16 conversion uses.
                            buffer[i] = (Half)values[i];
                        }

                        WriteTensorBytes(MemoryMarshal.AsBytes(buffer.AsSpan(0, count)));
                        values = values[count..];
                    }
                }
                finally
                {
                    ArrayPool<Half>.Shared.Return(buffer);
                }

                break;
            default:
                throw new InvalidOperationException($"Tensor '{tensor.Name}' is {tensor.Type}; write its raw bytes instead.");
        }
    }

    /// <summary>Appends raw, already encoded bytes to the current tensor; moves to the next one once it is complete.</summary>
    public void WriteTensorBytes(ReadOnlySpan<byte> bytes)
    {
        var tensor = CurrentTensor();
        if (bytes.Length > tensor.ByteSize - _currentWritten)
        {
            throw new InvalidOperationException($"Too much data for tensor '{tensor.Name}' ({tensor.ByteSize} bytes).");
        }

        WriteBytes(bytes);
        _currentWritten += bytes.Length;
        if (_currentWritten == tensor.ByteSize)
        {
            // Every tensor, the last included, is padded so the next offset stays aligned (as gguf.cpp writes it).
            var relative = _position - _dataStart;
            WritePadding(Pad(relative, Alignment) - relative);
            _current++;
            _currentWritten = 0;
        }
    }

    /// <summary>Verifies that every declared tensor was written in full and flushes the stream.</summary>
    public void Finish()
    {
        EnsurePhase(headerWritten: true);
        if (_current != _tensors.Count)
        {
            throw new InvalidOperationException($"Tensor '{_tensors[_current].Name}' and {_tensors.Count - _current - 1} more were not written.");
        }

        _stream.Flush();
        _finished = true;
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    internal static long Pad(long value, uint alignment) => (value + alignment - 1) / alignment * alignment;

    private GgufTensorInfo CurrentTensor()
    {
        EnsurePhase(headerWritten: true);
        return _current < _tensors.Count
            ? _tensors[_current]
            : throw new InvalidOperationException("All declared tensors have been written.");
    }

    private void EnsurePhase(bool headerWritten)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The file is finished.");
        }

        if ((_dataStart >= 0) != headerWritten)
        {
            throw new InvalidOperationException(headerWritten ? "Write the header first." : "The header has already been written.");
        }
    }
}
