using System.Text.Json;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>stop, logit_bias, penalties and max_completion_tokens, through the .NET SDK for chat and raw HTTP for completions.</summary>
[Collection(ServerCollection.Name)]
public sealed class SamplingControlsTests(ServerFixture server)
{
    private const string Model = OpenAiHttp.Model;

    [Fact]
    public async Task CompleteChat_StopStringFromTheOutput_NeverInTheTextAndFinishStop()
    {
        var conversation = new[] { new UserChatMessage("Describe a forest in detail.") };
        string free = (await server.Chat().CompleteChatAsync(conversation, new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 24 })).Value.Content[0].Text;
        Assert.True(free.Length >= 12, $"too short to pick a stop string from: '{free}'");
        string stop = free.Substring(free.Length / 2, 3);
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 24 };
        options.StopSequences.Add(stop);

        ChatCompletion stopped = (await server.Chat().CompleteChatAsync(conversation, options)).Value;

        string text = stopped.Content.Count == 0 ? string.Empty : stopped.Content[0].Text;
        Assert.DoesNotContain(stop, text, StringComparison.Ordinal);
        Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], text);
        Assert.Equal(ChatFinishReason.Stop, stopped.FinishReason);
    }

    [Fact]
    public async Task Complete_StopStringsFromTheOutput_NeverInAnyStreamedChoice()
    {
        string free = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"Once there was","max_tokens":30,"temperature":0,"ignore_eos":true}"""));
        string stop = free.Substring(free.Length / 3, 2);

        JsonElement[] chunks = OpenAiHttp.Chunks(await server.StreamEventsAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"Once there was","max_tokens":30,"temperature":0,"ignore_eos":true,"n":2,"stop":[{{JsonSerializer.Serialize(stop)}}],"stream":true}"""));

        foreach (IGrouping<int, JsonElement> choice in chunks.Select(c => c.GetProperty("choices")[0]).GroupBy(c => c.GetProperty("index").GetInt32()))
        {
            string text = string.Concat(choice.Select(c => c.GetProperty("text").GetString()));
            Assert.Equal(free[..free.IndexOf(stop, StringComparison.Ordinal)], text);
            Assert.Equal("stop", choice.Last().GetProperty("finish_reason").GetString());
        }
    }

    [Fact]
    public async Task CompleteChat_LogitBiasPlusHundredOnOneToken_GreedyRepeatsIt()
    {
        int token = server.PlainWordToken();
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 5 };
        options.LogitBiases[token] = 100;

        ChatCompletion completion = (await server.Chat().CompleteChatAsync([new UserChatMessage("Say anything.")], options)).Value;

        Assert.Equal(string.Concat(Enumerable.Repeat(server.TokenText(token), 5)), completion.Content[0].Text);
    }

    [Fact]
    public async Task Complete_LogitBiasMinusHundred_BansTheTokensGreedyAndSamplingPicked()
    {
        const string request = $$"""{"model":"{{Model}}","prompt":"The old harbour","max_tokens":12,"ignore_eos":true,"logprobs":0""";
        string[] greedy = Tokens(await server.PostOkAsync("/v1/completions", request + ""","temperature":0}"""));
        string[] sampled = Tokens(await server.PostOkAsync("/v1/completions", request + ""","temperature":1,"seed":5}"""));
        int[] banned = greedy.Concat(sampled).Distinct().SelectMany(server.TokenIds).ToArray();
        string bias = JsonSerializer.Serialize(banned.ToDictionary(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => -100));

        string[] greedyBanned = Tokens(await server.PostOkAsync("/v1/completions", request + $$""","temperature":0,"logit_bias":{{bias}}}"""));
        string[] sampledBanned = Tokens(await server.PostOkAsync("/v1/completions", request + $$""","temperature":1,"seed":5,"logit_bias":{{bias}}}"""));

        Assert.Equal(12, greedyBanned.Length);
        Assert.Empty(greedyBanned.Intersect(greedy.Concat(sampled)));
        Assert.Empty(sampledBanned.Intersect(greedy.Concat(sampled)));
    }

    [Fact]
    public async Task Complete_LogitBiasPlusHundredOnOneToken_EveryChoiceIsThatToken()
    {
        int token = server.PlainWordToken(skip: 3);

        JsonElement response = await server.PostOkAsync("/v1/completions",
            $$$"""{"model":"{{{Model}}}","prompt":"Anything","max_tokens":4,"n":2,"temperature":0,"logit_bias":{"{{{token}}}":100}}""");

        Assert.All(response.GetProperty("choices").EnumerateArray(), c =>
            Assert.Equal(string.Concat(Enumerable.Repeat(server.TokenText(token), 4)), c.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Complete_PenaltiesOnARepetitivePrompt_AcceptedAndChangeTheOutput()
    {
        string prompt = string.Join(' ', Enumerable.Repeat("the cat the dog", 12));
        string request = $$"""{"model":"{{Model}}","prompt":"{{prompt}}","max_tokens":32,"temperature":0,"ignore_eos":true""";

        string plain = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions", request + "}"));
        string presence = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions", request + ""","presence_penalty":2}"""));
        string frequency = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions", request + ""","frequency_penalty":2}"""));
        string repetition = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions", request + ""","repetition_penalty":1.8}"""));

        Assert.NotEqual(plain, presence);
        Assert.NotEqual(plain, frequency);
        Assert.NotEqual(plain, repetition);
    }

    [Fact]
    public async Task CompleteChat_MaxOutputTokenCount_LengthWithExactlyThatMany()
    {
        // The SDK sends MaxOutputTokenCount as max_completion_tokens.
        var options = new ChatCompletionOptions { Temperature = 0.9f, MaxOutputTokenCount = 7 };
        options.LogitBiases[server.PlainWordToken(skip: 1)] = 100;

        ChatCompletion completion = (await server.Chat().CompleteChatAsync([new UserChatMessage("Keep talking.")], options)).Value;

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(7, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Chat_MaxCompletionTokensWithMaxTokens_MaxCompletionTokensWins()
    {
        JsonElement response = await server.PostOkAsync("/v1/chat/completions",
            $$"""{"model":"{{Model}}","max_tokens":2,"max_completion_tokens":6,"ignore_eos":true,"user":"user-42","messages":[{"role":"user","content":"Go"}]}""");

        Assert.Equal("length", response.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(6, response.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    private static string[] Tokens(JsonElement response) =>
        response.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray();
}
