using System.Net;
using System.Text;
using System.Text.Json;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>The exact server-sent event shape, read off the wire.</summary>
[Collection(ServerCollection.Name)]
public sealed class StreamingWireTests(ServerFixture server)
{
    [Fact]
    public async Task Stream_WithIncludeUsage_RoleFirstFinishOnLastContentChunkUsageThenDone()
    {
        string body = $$"""
            {"model":"{{ServerFixture.ModelId}}","stream":true,"stream_options":{"include_usage":true},"max_tokens":8,"temperature":0,
             "messages":[{"role":"user","content":"Hello there"}]}
            """;

        List<string> events = await ReadEventsAsync(body);

        Assert.Equal("[DONE]", events[^1]);
        JsonElement[] chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToArray();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());

        JsonElement usageChunk = chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        Assert.Equal(8, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        JsonElement[] choiceChunks = chunks[..^1];
        string?[] finishes = choiceChunks.Select(c => c.GetProperty("choices")[0].GetProperty("finish_reason").GetString()).ToArray();
        Assert.Equal("length", finishes[^1]);
        Assert.All(finishes[..^1], f => Assert.Null(f));
        Assert.All(choiceChunks, c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
    }

    [Fact]
    public async Task Stream_WithoutIncludeUsage_HasNoUsageChunk()
    {
        string body = $$"""{"model":"{{ServerFixture.ModelId}}","stream":true,"max_tokens":4,"messages":[{"role":"user","content":"Hi"}]}""";

        List<string> events = await ReadEventsAsync(body);

        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events[..^1], e => Assert.Equal(1, JsonDocument.Parse(e).RootElement.GetProperty("choices").GetArrayLength()));
    }

    private async Task<List<string>> ReadEventsAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await server.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => Assert.Single(e.Split('\n'), l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..])
            .ToList();
    }
}
