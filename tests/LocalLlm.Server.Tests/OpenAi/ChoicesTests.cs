using System.Text.Json;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary><c>n</c> choices and seeds, for chat (raw HTTP: the .NET SDK sends no n) and completions.</summary>
[Collection(ServerCollection.Name)]
public sealed class ChoicesTests(ServerFixture server)
{
    private const string Model = OpenAiHttp.Model;

    [Fact]
    public async Task Chat_NThree_ThreeFinishedChoicesByIndexAndUsageCountsThePromptOnce()
    {
        const string messages = """ "messages":[{"role":"user","content":"Name a colour."}] """;
        JsonElement single = await server.PostOkAsync("/v1/chat/completions", $$"""{"model":"{{Model}}","max_tokens":5,"ignore_eos":true,{{messages}}}""");

        JsonElement response = await server.PostOkAsync("/v1/chat/completions",
            $$"""{"model":"{{Model}}","n":3,"max_tokens":5,"ignore_eos":true,"temperature":1,{{messages}}}""");

        JsonElement[] choices = response.GetProperty("choices").EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c =>
        {
            Assert.Equal("length", c.GetProperty("finish_reason").GetString());
            Assert.Equal("assistant", c.GetProperty("message").GetProperty("role").GetString());
        });
        JsonElement usage = response.GetProperty("usage");
        Assert.Equal(single.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(15, usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatStream_NThree_RoleAndFinishForEachIndexThenOneUsageChunk()
    {
        JsonElement[] chunks = OpenAiHttp.Chunks(await server.StreamEventsAsync("/v1/chat/completions",
            $$"""{"model":"{{Model}}","n":3,"max_tokens":6,"ignore_eos":true,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello"}]}"""));

        Assert.Equal(18, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        JsonElement[] choices = chunks[..^1].Select(c => Assert.Single(c.GetProperty("choices").EnumerateArray())).ToArray();
        foreach (IGrouping<int, JsonElement> choice in choices.GroupBy(c => c.GetProperty("index").GetInt32()))
        {
            Assert.Equal("assistant", choice.First().GetProperty("delta").GetProperty("role").GetString());
            Assert.Equal("length", choice.Last().GetProperty("finish_reason").GetString());
            Assert.Single(choice, c => c.GetProperty("finish_reason").ValueKind != JsonValueKind.Null);
        }

        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()).Distinct().Order());
    }

    [Fact]
    public async Task Chat_NWithSeed_ChoicesDifferAndTheRequestRepeats()
    {
        string body = $$"""{"model":"{{Model}}","n":3,"seed":1234,"temperature":1,"max_tokens":12,"ignore_eos":true,"messages":[{"role":"user","content":"Tell a tale."}]}""";

        string[] first = Contents(await server.PostOkAsync("/v1/chat/completions", body));
        string[] second = Contents(await server.PostOkAsync("/v1/chat/completions", body));

        Assert.Equal(first, second);
        Assert.Equal(3, first.Distinct().Count());
    }

    [Fact]
    public async Task Complete_SameSeedAloneAndAmongEightConcurrentStreams_SameText()
    {
        string body = $$"""{"model":"{{Model}}","prompt":"A seeded story:","seed":777,"temperature":1.2,"top_k":50,"max_tokens":20,"ignore_eos":true}""";
        string alone = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions", body));

        Task<List<string>>[] noise = Enumerable.Range(0, 8)
            .Select(i => server.StreamEventsAsync("/v1/completions",
                $$"""{"model":"{{Model}}","prompt":"Background stream {{i}} about weather","temperature":1,"max_tokens":40,"ignore_eos":true,"stream":true}"""))
            .ToArray();
        Task<JsonElement>[] seeded = Enumerable.Range(0, 3).Select(_ => server.PostOkAsync("/v1/completions", body)).ToArray();
        await Task.WhenAll(noise);
        JsonElement[] results = await Task.WhenAll(seeded);

        Assert.All(results, r => Assert.Equal(alone, OpenAiHttp.Texts(r)));
    }

    [Fact]
    public async Task Complete_DifferentSeeds_DifferentText()
    {
        string[] texts = await Task.WhenAll(new[] { 1, 2, 3 }.Select(async seed => OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"Random words:","seed":{{seed}},"temperature":1,"max_tokens":16,"ignore_eos":true}"""))));

        Assert.Equal(3, texts.Distinct().Count());
    }

    private static string[] Contents(JsonElement response) =>
        response.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()!).ToArray();
}
