using System.Buffers.Binary;
using LocalLlm.ModelForge.Gguf;

namespace LocalLlm.ModelForge.Tests;

public sealed class GgufWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Write_EveryMetadataType_ReadsBackEqualAndInOrder()
    {
        var expected = new List<KeyValuePair<string, GgufValue>>
        {
            new("t.u8", GgufValue.UInt8(250)),
            new("t.i8", GgufValue.Int8(-120)),
            new("t.u16", GgufValue.UInt16(65000)),
            new("t.i16", GgufValue.Int16(-32000)),
            new("t.u32", GgufValue.UInt32(4_000_000_000)),
            new("t.i32", GgufValue.Int32(-2_000_000_000)),
            new("t.f32", GgufValue.Float32(3.25f)),
            new("t.bool", GgufValue.Bool(true)),
            new("t.string", GgufValue.String("héllo wörld ✓")),
            new("t.empty", GgufValue.String(string.Empty)),
            new("t.u64", GgufValue.UInt64(ulong.MaxValue - 1)),
            new("t.i64", GgufValue.Int64(long.MinValue + 1)),
            new("t.f64", GgufValue.Float64(-1e300)),
            new("a.u8", GgufValue.Array(new byte[] { 1, 2, 255 })),
            new("a.i8", GgufValue.Array(new sbyte[] { -1, 0, 1 })),
            new("a.u16", GgufValue.Array(new ushort[] { 1, 65535 })),
            new("a.i16", GgufValue.Array(new short[] { -5, 5 })),
            new("a.u32", GgufValue.Array(new uint[] { 7, 8, 9 })),
            new("a.i32", GgufValue.Array(new[] { -7, 8, -9 })),
            new("a.f32", GgufValue.Array(new[] { 0.5f, -0.25f, float.MaxValue })),
            new("a.bool", GgufValue.Array(new[] { true, false, true })),
            new("a.string", GgufValue.Array(new[] { "a", string.Empty, "Ġthe", "<|im_end|>" })),
            new("a.u64", GgufValue.Array(new ulong[] { 0, ulong.MaxValue })),
            new("a.i64", GgufValue.Array(new long[] { long.MinValue, long.MaxValue })),
            new("a.f64", GgufValue.Array(new[] { Math.PI, -Math.E })),
            new("a.none", GgufValue.Array(Array.Empty<int>())),
        };
        var path = _temp.File("kv.gguf");

        using (var writer = new GgufWriter(File.Create(path)))
        {
            foreach (var (key, value) in expected)
            {
                writer.Add(key, value);
            }

            writer.WriteHeader();
            writer.Finish();
        }

        var file = GgufReader.Read(path);
        Assert.Equal(3u, file.Version);
        Assert.Equal(expected.Select(kv => kv.Key), file.MetadataInOrder.Select(kv => kv.Key));
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value, file.Metadata[key]);
        }

        Assert.Empty(file.Tensors);
    }

    [Fact]
    public void Write_Header_HasMagicVersionAndCounts()
    {
        var path = _temp.File("header.gguf");
        using (var writer = new GgufWriter(File.Create(path)))
        {
            writer.AddString("general.architecture", "qwen3");
            writer.AddTensor("a", GgmlType.F32, 4);
            writer.AddTensor("b", GgmlType.F32, 2, 3);
            writer.WriteHeader();
            writer.WriteTensorData(new float[4]);
            writer.WriteTensorData(new float[6]);
            writer.Finish();
        }

        var bytes = File.ReadAllBytes(path);
        Assert.Equal("GGUF"u8.ToArray(), bytes[..4]);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(2ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(1ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(16)));
    }

    [Theory]
    [InlineData(32u)]
    [InlineData(64u)]
    [InlineData(256u)]
    public void Write_Tensors_OffsetsAlignedContiguousAndDataIntact(uint alignment)
    {
        var path = _temp.File("tensors.gguf");
        var odd = Enumerable.Range(0, 7 * 3).Select(i => i * 0.5f - 3f).ToArray();
        var half = Enumerable.Range(0, 10).Select(i => 1f / (i + 1)).ToArray();
        var single = new[] { 42f };
        using (var writer = new GgufWriter(File.Create(path)))
        {
            writer.AddTensor("odd", GgmlType.F32, 7, 3);
            writer.AddTensor("half", GgmlType.F16, 10);
            writer.AddTensor("single", GgmlType.F32, 1, 1, 1, 1);

            // Declared after the tensors on purpose: offsets must follow the final alignment.
            writer.AddUInt32(GgufWriter.AlignmentKey, alignment);
            writer.WriteHeader();
            writer.WriteTensorData(odd.AsSpan(0, 5));
            writer.WriteTensorData(odd.AsSpan(5));
            writer.WriteTensorData(half);
            writer.WriteTensorData(single);
            writer.Finish();
        }

        var file = GgufReader.Read(path);
        Assert.Equal(alignment, file.Alignment);
        Assert.Equal(0, file.DataOffset % alignment);
        Assert.Equal(["odd", "half", "single"], file.Tensors.Select(t => t.Name));
        Assert.Equal([7L, 3L], file.Tensors[0].Shape);
        Assert.Equal([1L, 1L, 1L, 1L], file.Tensors[2].Shape);
        long expectedOffset = 0;
        foreach (var tensor in file.Tensors)
        {
            Assert.Equal(expectedOffset, tensor.Offset);
            Assert.Equal(0, tensor.Offset % alignment);
            expectedOffset += (tensor.ByteSize + alignment - 1) / alignment * alignment;
        }

        Assert.Equal(file.DataOffset + expectedOffset, file.FileLength);
        Assert.Equal(odd, file.ReadTensorValues(file.Tensor("odd")));
        Assert.Equal(half.Select(v => (float)(Half)v), file.ReadTensorValues(file.Tensor("half")));
        Assert.Equal(GgmlType.F16, file.Tensor("half").Type);
        Assert.Equal(20, file.Tensor("half").ByteSize);
        Assert.Equal(single, file.ReadTensorValues(file.Tensor("single")));
    }

    [Fact]
    public void Write_ToForwardOnlyStream_StreamsWithoutSeeking()
    {
        using var sink = new ForwardOnlyStream();
        using (var writer = new GgufWriter(sink, leaveOpen: true))
        {
            writer.AddTensor("big", GgmlType.F32, 1024, 300);
            writer.WriteHeader();
            var row = new float[1024];
            for (var i = 0; i < 300; i++)
            {
                row.AsSpan().Fill(i);
                writer.WriteTensorData(row);
            }

            writer.Finish();
            Assert.Equal(sink.Written, writer.BytesWritten);
        }

        Assert.True(sink.Written >= 1024 * 300 * 4);
        Assert.Equal(0, sink.Written % GgufWriter.DefaultAlignment);
    }

    [Fact]
    public void WriteTensorData_MoreThanDeclared_Throws()
    {
        using var writer = new GgufWriter(new MemoryStream());
        writer.AddTensor("t", GgmlType.F32, 4);
        writer.WriteHeader();

        Assert.Throws<InvalidOperationException>(() => writer.WriteTensorData(new float[5]));
    }

    [Fact]
    public void Finish_TensorIncomplete_ThrowsNamingIt()
    {
        using var writer = new GgufWriter(new MemoryStream());
        writer.AddTensor("first", GgmlType.F32, 4);
        writer.AddTensor("second", GgmlType.F32, 4);
        writer.WriteHeader();
        writer.WriteTensorData(new float[4]);
        writer.WriteTensorData(new float[2]);

        var error = Assert.Throws<InvalidOperationException>(writer.Finish);
        Assert.Contains("second", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_AfterHeader_Throws()
    {
        using var writer = new GgufWriter(new MemoryStream());
        writer.WriteHeader();

        Assert.Throws<InvalidOperationException>(() => writer.AddUInt32("late", 1));
        Assert.Throws<InvalidOperationException>(() => writer.AddTensor("late", GgmlType.F32, 1));
    }

    [Fact]
    public void Add_InvalidInput_Throws()
    {
        using var writer = new GgufWriter(new MemoryStream());
        writer.AddUInt32("k", 1);
        writer.AddTensor("t", GgmlType.F32, 1);

        Assert.Throws<ArgumentException>(() => writer.AddUInt32("k", 2));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("t", GgmlType.F32, 1));
        Assert.Throws<ArgumentException>(() => writer.AddTensor(new string('x', 64), GgmlType.F32, 1));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("zero", GgmlType.F32, 0));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("q8", GgmlType.Q8_0, 48));
        Assert.Throws<ArgumentException>(() => writer.AddUInt32(GgufWriter.AlignmentKey, 48));
        Assert.Throws<ArgumentException>(() => writer.AddUInt64(GgufWriter.AlignmentKey, 64));
    }

    [Fact]
    public void WriteTensorBytes_QuantizedType_WritesRawBlocks()
    {
        var path = _temp.File("q8.gguf");
        var block = Enumerable.Range(0, 34 * 2).Select(i => (byte)i).ToArray();
        using (var writer = new GgufWriter(File.Create(path)))
        {
            writer.AddTensor("q", GgmlType.Q8_0, 64);
            writer.WriteHeader();
            Assert.Throws<InvalidOperationException>(() => writer.WriteTensorData(new float[64]));
            writer.WriteTensorBytes(block);
            writer.Finish();
        }

        var file = GgufReader.Read(path);
        Assert.Equal(68, file.Tensor("q").ByteSize);
        Assert.Equal(block, file.ReadTensorBytes(file.Tensor("q")));
    }

    [Fact]
    public void Read_TruncatedFile_Throws()
    {
        var path = _temp.File("truncated.gguf");
        using (var writer = new GgufWriter(File.Create(path)))
        {
            writer.AddTensor("t", GgmlType.F32, 256);
            writer.WriteHeader();
            writer.WriteTensorData(new float[256]);
            writer.Finish();
        }

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^512]);

        Assert.Throws<InvalidDataException>(() => GgufReader.Read(path));
    }

    /// <summary>A sink that refuses seeking and position queries, as a pipe would.</summary>
    private sealed class ForwardOnlyStream : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Written += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;
        public override void WriteByte(byte value) => Written++;
    }
}
