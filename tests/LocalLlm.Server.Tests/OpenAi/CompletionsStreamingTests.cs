using System.Text;
using System.Text.Json;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>Streamed completions read off the wire: OpenAI's text_completion chunks, usage, [DONE].</summary>
[Collection(ServerCollection.Name)]
public sealed class CompletionsStreamingTests(ServerFixture server)
{
    private const string Model = OpenAiHttp.Model;

    [Fact]
    public async Task Stream_WithIncludeUsage_ChunksConcatenateToTheWholeTextThenUsageThenDone()
    {
        const string request = $$"""{"model":"{{Model}}","prompt":"The harbour at night","max_tokens":12,"temperature":0,"ignore_eos":true""";
        string whole = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions", request + "}"));

        JsonElement[] chunks = OpenAiHttp.Chunks(await server.StreamEventsAsync("/v1/completions", request + ""","stream":true,"stream_options":{"include_usage":true}}"""));

        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        JsonElement usageChunk = chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        Assert.Equal(12, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        JsonElement[] choiceChunks = chunks[..^1];
        Assert.All(choiceChunks, c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
        JsonElement[] choices = choiceChunks.Select(c => Assert.Single(c.GetProperty("choices").EnumerateArray())).ToArray();
        Assert.Equal(whole, string.Concat(choices.Select(c => c.GetProperty("text").GetString())));
        Assert.Equal("length", choices[^1].GetProperty("finish_reason").GetString());
        Assert.All(choices[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
    }

    [Fact]
    public async Task Stream_WithoutIncludeUsageAndEcho_FirstChunkIsThePromptAndNoUsageChunk()
    {
        JsonElement[] chunks = OpenAiHttp.Chunks(await server.StreamEventsAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"Say it back","echo":true,"max_tokens":4,"stream":true}"""));

        Assert.Equal("Say it back", chunks[0].GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.All(chunks, c => Assert.Equal(1, c.GetProperty("choices").GetArrayLength()));
    }

    [Fact]
    public async Task Stream_NThree_InterleavedChunksEachOneChoiceAllFinishedAndUsageSumsThem()
    {
        JsonElement[] chunks = OpenAiHttp.Chunks(await server.StreamEventsAsync("/v1/completions",
            $$$"""{"model":"{{{Model}}}","prompt":"Three voices:","n":3,"max_tokens":9,"ignore_eos":true,"temperature":1,"seed":11,"stream":true,"stream_options":{"include_usage":true}}"""));

        JsonElement[] choices = chunks[..^1].Select(c => Assert.Single(c.GetProperty("choices").EnumerateArray())).ToArray();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()).Distinct().Order());
        foreach (IGrouping<int, JsonElement> choice in choices.GroupBy(c => c.GetProperty("index").GetInt32()))
        {
            string?[] finishes = choice.Select(c => c.GetProperty("finish_reason").GetString()).ToArray();
            Assert.Equal("length", finishes[^1]);
            Assert.All(finishes[..^1], Assert.Null);
        }

        JsonElement usage = chunks[^1].GetProperty("usage");
        Assert.Equal(27, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(server.Tokenizer().Tokenize("Three voices:", addSpecial: true, parseSpecial: true).Length, usage.GetProperty("prompt_tokens").GetInt32());

        // The same request without streaming gives each choice the same text (same seed, same derived seeds).
        JsonElement whole = await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"Three voices:","n":3,"max_tokens":9,"ignore_eos":true,"temperature":1,"seed":11}""");
        string[] streamed = Enumerable.Range(0, 3)
            .Select(i => string.Concat(choices.Where(c => c.GetProperty("index").GetInt32() == i).Select(c => c.GetProperty("text").GetString())))
            .ToArray();
        Assert.Equal(whole.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("text").GetString()), streamed);
    }

    [Fact]
    public async Task Stream_ClientDisconnectsDuringNThree_AllChoicesAreCancelled()
    {
        LocalLlm.Engine.LlmEngine engine = server.Registry.Find(Model)!.Engine;
        long abortedBefore = engine.Statistics.AbortedRequests;
        string body = $$"""{"model":"{{Model}}","prompt":"Go on forever","n":3,"ignore_eos":true,"max_tokens":3000,"stream":true}""";

        using (var cts = new CancellationTokenSource())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using HttpResponseMessage response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            for (int events = 0; events < 9;)
            {
                string? line = await reader.ReadLineAsync(cts.Token);
                if (line?.StartsWith("data: ", StringComparison.Ordinal) == true)
                {
                    events++;
                }
            }

            await cts.CancelAsync();
        }

        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (engine.Statistics.AbortedRequests < abortedBefore + 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(abortedBefore + 3, engine.Statistics.AbortedRequests);
    }
}
