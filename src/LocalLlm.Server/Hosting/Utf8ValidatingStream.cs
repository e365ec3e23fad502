using System.Text;
using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.Hosting;

/// <summary>
/// A request body that fails with a 400 as soon as its bytes stop being UTF-8. System.Text.Json checks UTF-8 only
/// when it turns a value into a .NET string; text kept as a <see cref="System.Text.Json.JsonElement"/> (message
/// content, tools) would otherwise fail later, outside any parameter's validation, as a 500.
/// </summary>
internal sealed class Utf8ValidatingStream(Stream inner) : Stream
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private readonly char[] _scratch = new char[4096];
    private long _checked;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = inner.Read(buffer);
        Check(buffer[..read], endOfBody: read == 0);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await inner.ReadAsync(buffer, cancellationToken);
        Check(buffer.Span[..read], endOfBody: read == 0);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>The decoder keeps a sequence split across reads; at the end of the body an unfinished one is an error too.</summary>
    private void Check(ReadOnlySpan<byte> bytes, bool endOfBody)
    {
        try
        {
            // The scratch buffer only bounds each step; at least one character fits, so every step consumes bytes.
            do
            {
                _decoder.Convert(bytes, _scratch, endOfBody, out int used, out _, out _);
                bytes = bytes[used..];
                _checked += used;
            }
            while (!bytes.IsEmpty);
        }
        catch (DecoderFallbackException e)
        {
            // The index is relative to this read, and negative for bytes the decoder kept from the one before.
            long at = Math.Max(_checked + e.Index, 0);
            throw ApiException.BadRequest($"The request body is not valid UTF-8 (invalid bytes near offset {at}).", code: "invalid_utf8");
        }
    }
}
