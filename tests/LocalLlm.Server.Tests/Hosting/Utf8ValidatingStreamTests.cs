using System.Text;
using LocalLlm.Server.Hosting;
using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.Tests.Hosting;

public sealed class Utf8ValidatingStreamTests
{
    [Fact]
    public async Task ReadAsync_MultiByteCharactersSplitAcrossReads_PassesThroughUnchanged()
    {
        byte[] text = Encoding.UTF8.GetBytes("""{"content":"héllo — 灯塔 🌊"}""");

        byte[] read = await ReadAllAsync(text, chunk: 1);

        Assert.Equal(text, read);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D }, 2)]
    [InlineData(new byte[] { 0x22, 0x61, 0xFF, 0x22 }, 2)]
    [InlineData(new byte[] { 0x22, 0xED, 0xA0, 0x80, 0x22 }, 1)]
    public async Task ReadAsync_InvalidBytes_ThrowsBadRequestWithOffset(byte[] body, int offset)
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => ReadAllAsync(body, chunk: 3));

        Assert.Equal(400, error.Status);
        Assert.Equal("invalid_utf8", error.Code);
        Assert.Contains($"offset {offset}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_SequenceCutOffAtTheEnd_ThrowsOnceTheBodyEnds()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("\"abc"), 0xE2, 0x82];

        var error = await Assert.ThrowsAsync<ApiException>(() => ReadAllAsync(body, chunk: 64));

        Assert.Equal("invalid_utf8", error.Code);
    }

    private static async Task<byte[]> ReadAllAsync(byte[] body, int chunk)
    {
        using var stream = new Utf8ValidatingStream(new MemoryStream(body));
        var result = new MemoryStream();
        byte[] buffer = new byte[chunk];
        for (int n; (n = await stream.ReadAsync(buffer)) > 0;)
        {
            result.Write(buffer, 0, n);
        }

        return result.ToArray();
    }
}
