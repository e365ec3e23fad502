using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LocalLlm.ModelForge.Gguf;

/// <summary>
/// The on-disk encoding: little-endian numbers, strings as a uint64 byte length followed by UTF-8 without a
/// terminator, bools as one byte, arrays as element type, uint64 count and the elements back to back.
/// </summary>
internal sealed partial class GgufWriter
{
    private void WriteValue(GgufValue value)
    {
        WriteUInt32((uint)value.Type);
        if (!value.IsArray)
        {
            WriteScalar(value.Type, value.Payload);
            return;
        }

        var array = (Array)value.Payload;
        WriteUInt32((uint)value.ElementType);
        WriteUInt64((ulong)array.Length);
        switch (array)
        {
            case string[] strings:
                foreach (var s in strings)
                {
                    WriteString(s);
                }

                break;
            case bool[] flags:
                foreach (var flag in flags)
                {
                    WriteByte(flag ? (byte)1 : (byte)0);
                }

                break;
            case byte[] bytes:
                WriteBytes(bytes);
                break;
            default:
                // Remaining element types are unmanaged numbers whose in-memory layout is the on-disk layout.
                foreach (var item in array)
                {
                    WriteScalar(value.ElementType, item!);
                }

                break;
        }
    }

    private void WriteScalar(GgufValueType type, object value)
    {
        switch (type)
        {
            case GgufValueType.UInt8: WriteByte((byte)value); break;
            case GgufValueType.Int8: WriteByte(unchecked((byte)(sbyte)value)); break;
            case GgufValueType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(_scratch, (ushort)value); WriteBytes(_scratch.AsSpan(0, 2)); break;
            case GgufValueType.Int16: BinaryPrimitives.WriteInt16LittleEndian(_scratch, (short)value); WriteBytes(_scratch.AsSpan(0, 2)); break;
            case GgufValueType.UInt32: WriteUInt32((uint)value); break;
            case GgufValueType.Int32: BinaryPrimitives.WriteInt32LittleEndian(_scratch, (int)value); WriteBytes(_scratch.AsSpan(0, 4)); break;
            case GgufValueType.Float32: BinaryPrimitives.WriteSingleLittleEndian(_scratch, (float)value); WriteBytes(_scratch.AsSpan(0, 4)); break;
            case GgufValueType.Bool: WriteByte((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString((string)value); break;
            case GgufValueType.UInt64: WriteUInt64((ulong)value); break;
            case GgufValueType.Int64: BinaryPrimitives.WriteInt64LittleEndian(_scratch, (long)value); WriteBytes(_scratch.AsSpan(0, 8)); break;
            case GgufValueType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(_scratch, (double)value); WriteBytes(_scratch.AsSpan(0, 8)); break;
            default: throw new NotSupportedException($"Metadata type {type} cannot be written as a scalar.");
        }
    }

    private void WriteString(string value)
    {
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteUInt64((ulong)byteCount);
        var buffer = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var written = Encoding.UTF8.GetBytes(value, buffer);
            WriteBytes(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_scratch, value);
        WriteBytes(_scratch.AsSpan(0, 4));
    }

    private void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_scratch, value);
        WriteBytes(_scratch.AsSpan(0, 8));
    }

    private void WriteByte(byte value)
    {
        _stream.WriteByte(value);
        _position++;
    }

    private void WritePadding(long count)
    {
        Span<byte> zeros = stackalloc byte[64];
        zeros.Clear();
        while (count > 0)
        {
            var n = (int)Math.Min(count, zeros.Length);
            WriteBytes(zeros[..n]);
            count -= n;
        }
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        _position += bytes.Length;
    }
}
