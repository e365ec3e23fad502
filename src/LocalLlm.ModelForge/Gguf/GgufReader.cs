using System.Runtime.InteropServices;
using System.Text;

namespace LocalLlm.ModelForge.Gguf;

/// <summary>The parsed header of a GGUF file: metadata in file order, tensor descriptors and where the data begins.</summary>
internal sealed class GgufFile
{
    public required string Path { get; init; }
    public required uint Version { get; init; }
    public required IReadOnlyList<KeyValuePair<string, GgufValue>> MetadataInOrder { get; init; }
    public required IReadOnlyDictionary<string, GgufValue> Metadata { get; init; }
    public required IReadOnlyList<GgufTensorInfo> Tensors { get; init; }
    public required uint Alignment { get; init; }

    /// <summary>Absolute file offset of the data section; tensor offsets are relative to it.</summary>
    public required long DataOffset { get; init; }

    public required long FileLength { get; init; }

    public GgufTensorInfo Tensor(string name) =>
        Tensors.FirstOrDefault(t => t.Name == name) ?? throw new KeyNotFoundException($"No tensor '{name}' in {Path}.");

    public byte[] ReadTensorBytes(GgufTensorInfo tensor)
    {
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        stream.Position = DataOffset + tensor.Offset;
        var bytes = new byte[checked((int)tensor.ByteSize)];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Tensor values widened to float; F32 and F16 tensors only.</summary>
    public float[] ReadTensorValues(GgufTensorInfo tensor)
    {
        var bytes = ReadTensorBytes(tensor);
        return tensor.Type switch
        {
            GgmlType.F32 => MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
            GgmlType.F16 => Array.ConvertAll(MemoryMarshal.Cast<byte, Half>(bytes).ToArray(), h => (float)h),
            _ => throw new NotSupportedException($"Tensor '{tensor.Name}' is {tensor.Type}."),
        };
    }
}

/// <summary>
/// Reads GGUF headers with the same validation the reference loader applies (magic, version, unique keys and
/// names, power-of-two alignment, contiguous aligned offsets, data inside the file).
/// </summary>
internal static class GgufReader
{
    public static GgufFile Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);

        if (!reader.ReadBytes(4).AsSpan().SequenceEqual("GGUF"u8))
        {
            throw new InvalidDataException($"{path} is not a GGUF file.");
        }

        var version = reader.ReadUInt32();
        if (version is not (2 or 3))
        {
            throw new InvalidDataException($"Unsupported GGUF version {version}.");
        }

        var tensorCount = checked((int)reader.ReadUInt64());
        var kvCount = checked((int)reader.ReadUInt64());

        var ordered = new List<KeyValuePair<string, GgufValue>>(kvCount);
        var metadata = new Dictionary<string, GgufValue>(kvCount, StringComparer.Ordinal);
        for (var i = 0; i < kvCount; i++)
        {
            var key = ReadString(reader);
            var value = ReadValue(reader, (GgufValueType)reader.ReadUInt32());
            if (!metadata.TryAdd(key, value))
            {
                throw new InvalidDataException($"Duplicate metadata key '{key}'.");
            }

            ordered.Add(new(key, value));
        }

        uint alignment = GgufWriter.DefaultAlignment;
        if (metadata.TryGetValue(GgufWriter.AlignmentKey, out var alignmentValue))
        {
            alignment = alignmentValue.As<uint>();
            if (alignment == 0 || (alignment & (alignment - 1)) != 0)
            {
                throw new InvalidDataException($"Alignment {alignment} is not a power of two.");
            }
        }

        var tensors = new List<GgufTensorInfo>(tensorCount);
        var names = new HashSet<string>(StringComparer.Ordinal);
        long expectedOffset = 0;
        for (var i = 0; i < tensorCount; i++)
        {
            var name = ReadString(reader);
            if (!names.Add(name))
            {
                throw new InvalidDataException($"Duplicate tensor name '{name}'.");
            }

            var dims = reader.ReadUInt32();
            if (dims is 0 or > 4)
            {
                throw new InvalidDataException($"Tensor '{name}' has {dims} dimensions.");
            }

            var shape = new long[dims];
            for (var d = 0; d < dims; d++)
            {
                shape[d] = checked((long)reader.ReadUInt64());
            }

            var type = (GgmlType)reader.ReadUInt32();
            if (!GgmlTypeTraits.IsKnown(type))
            {
                throw new InvalidDataException($"Tensor '{name}' has unsupported type {(uint)type}.");
            }

            var offset = checked((long)reader.ReadUInt64());
            if (offset != expectedOffset)
            {
                throw new InvalidDataException($"Tensor '{name}' has offset {offset}, expected {expectedOffset}.");
            }

            var info = new GgufTensorInfo(name, type, shape, offset, GgmlTypeTraits.ByteSize(type, shape));
            expectedOffset = offset + GgufWriter.Pad(info.ByteSize, alignment);
            tensors.Add(info);
        }

        var dataOffset = GgufWriter.Pad(stream.Position, alignment);
        if (tensors.Count > 0 && dataOffset + tensors[^1].Offset + tensors[^1].ByteSize > stream.Length)
        {
            throw new InvalidDataException($"{path} is truncated: tensor data ends past the end of the file.");
        }

        return new GgufFile
        {
            Path = path,
            Version = version,
            MetadataInOrder = ordered,
            Metadata = metadata,
            Tensors = tensors,
            Alignment = alignment,
            DataOffset = dataOffset,
            FileLength = stream.Length,
        };
    }

    private static GgufValue ReadValue(BinaryReader reader, GgufValueType type)
    {
        if (type != GgufValueType.Array)
        {
            return ReadScalar(reader, type);
        }

        var elementType = (GgufValueType)reader.ReadUInt32();
        var count = checked((int)reader.ReadUInt64());
        return elementType switch
        {
            GgufValueType.UInt8 => GgufValue.Array(reader.ReadBytes(count)),
            GgufValueType.Int8 => GgufValue.Array(ReadMany(count, () => reader.ReadSByte())),
            GgufValueType.UInt16 => GgufValue.Array(ReadMany(count, reader.ReadUInt16)),
            GgufValueType.Int16 => GgufValue.Array(ReadMany(count, reader.ReadInt16)),
            GgufValueType.UInt32 => GgufValue.Array(ReadMany(count, reader.ReadUInt32)),
            GgufValueType.Int32 => GgufValue.Array(ReadMany(count, reader.ReadInt32)),
            GgufValueType.Float32 => GgufValue.Array(ReadMany(count, reader.ReadSingle)),
            GgufValueType.Bool => GgufValue.Array(ReadMany(count, () => ReadBool(reader))),
            GgufValueType.String => GgufValue.Array(ReadMany(count, () => ReadString(reader))),
            GgufValueType.UInt64 => GgufValue.Array(ReadMany(count, reader.ReadUInt64)),
            GgufValueType.Int64 => GgufValue.Array(ReadMany(count, reader.ReadInt64)),
            GgufValueType.Float64 => GgufValue.Array(ReadMany(count, reader.ReadDouble)),
            _ => throw new InvalidDataException($"Arrays of {elementType} are not valid GGUF."),
        };
    }

    private static GgufValue ReadScalar(BinaryReader reader, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => GgufValue.UInt8(reader.ReadByte()),
        GgufValueType.Int8 => GgufValue.Int8(reader.ReadSByte()),
        GgufValueType.UInt16 => GgufValue.UInt16(reader.ReadUInt16()),
        GgufValueType.Int16 => GgufValue.Int16(reader.ReadInt16()),
        GgufValueType.UInt32 => GgufValue.UInt32(reader.ReadUInt32()),
        GgufValueType.Int32 => GgufValue.Int32(reader.ReadInt32()),
        GgufValueType.Float32 => GgufValue.Float32(reader.ReadSingle()),
        GgufValueType.Bool => GgufValue.Bool(ReadBool(reader)),
        GgufValueType.String => GgufValue.String(ReadString(reader)),
        GgufValueType.UInt64 => GgufValue.UInt64(reader.ReadUInt64()),
        GgufValueType.Int64 => GgufValue.Int64(reader.ReadInt64()),
        GgufValueType.Float64 => GgufValue.Float64(reader.ReadDouble()),
        _ => throw new InvalidDataException($"Invalid metadata type {(uint)type}."),
    };

    private static bool ReadBool(BinaryReader reader) => reader.ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => throw new InvalidDataException($"Invalid bool byte {b}."),
    };

    private static string ReadString(BinaryReader reader)
    {
        var length = checked((int)reader.ReadUInt64());
        var bytes = reader.ReadBytes(length);
        return bytes.Length == length
            ? Encoding.UTF8.GetString(bytes)
            : throw new EndOfStreamException("String runs past the end of the file.");
    }

    private static T[] ReadMany<T>(int count, Func<T> read)
    {
        var values = new T[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = read();
        }

        return values;
    }
}
