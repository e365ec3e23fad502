using System.Text;
using System.Text.Json;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>Log probabilities: the legacy completions shape over raw HTTP, chat's through the .NET SDK.</summary>
[Collection(ServerCollection.Name)]
public sealed class LogprobsTests(ServerFixture server)
{
    private const string Model = OpenAiHttp.Model;

    [Fact]
    public async Task Complete_LogprobsThreeGreedy_LegacyShapeWithConsistentValues()
    {
        JsonElement response = await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"Numbers and words","max_tokens":8,"temperature":0,"ignore_eos":true,"logprobs":3}""");

        JsonElement choice = response.GetProperty("choices")[0];
        JsonElement logprobs = choice.GetProperty("logprobs");
        string[] tokens = logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray();
        float[] values = logprobs.GetProperty("token_logprobs").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        JsonElement[] tops = logprobs.GetProperty("top_logprobs").EnumerateArray().ToArray();
        int[] offsets = logprobs.GetProperty("text_offset").EnumerateArray().Select(o => o.GetInt32()).ToArray();
        Assert.Equal(8, tokens.Length);
        Assert.Equal(8, values.Length);
        Assert.Equal(8, tops.Length);
        Assert.Equal(8, offsets.Length);
        Assert.Equal(choice.GetProperty("text").GetString(), string.Concat(tokens));
        for (int i = 0; i < tokens.Length; i++)
        {
            Assert.True(values[i] <= 0f);
            Assert.Equal(tokens[..i].Sum(t => t.Length), offsets[i]);
            (string Token, float Logprob)[] top = tops[i].EnumerateObject().Select(p => (p.Name, p.Value.GetSingle())).ToArray();
            Assert.InRange(top.Length, 1, 3);
            Assert.Equal(top.OrderByDescending(t => t.Logprob).ToArray(), top);
            Assert.All(top, t => Assert.True(t.Logprob <= 0f));

            // Greedy picks the most likely token: the first alternative, with the same log probability.
            Assert.Equal(tokens[i], top[0].Token);
            Assert.Equal(values[i], top[0].Logprob);
        }
    }

    [Fact]
    public async Task Complete_LogprobsZeroSampledWithEcho_OffsetsStartAfterThePromptAndNoAlternatives()
    {
        JsonElement response = await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"Prefix:","echo":true,"max_tokens":5,"temperature":1,"seed":9,"ignore_eos":true,"logprobs":0}""");

        JsonElement logprobs = response.GetProperty("choices")[0].GetProperty("logprobs");
        Assert.Equal("Prefix:".Length, logprobs.GetProperty("text_offset")[0].GetInt32());
        Assert.All(logprobs.GetProperty("top_logprobs").EnumerateArray(), t => Assert.Empty(t.EnumerateObject()));
        Assert.All(logprobs.GetProperty("token_logprobs").EnumerateArray(), v => Assert.True(v.GetSingle() <= 0f));
        Assert.Equal(5, logprobs.GetProperty("tokens").GetArrayLength());
    }

    [Fact]
    public async Task CompleteChat_TopLogprobsFiveSampled_EveryTokenWithSortedAlternativesAndItsBytes()
    {
        var options = new ChatCompletionOptions { Temperature = 1, Seed = 21, MaxOutputTokenCount = 10, IncludeLogProbabilities = true, TopLogProbabilityCount = 5 };

        ChatCompletion completion = (await server.Chat().CompleteChatAsync([new UserChatMessage("Tell me about owls.")], options)).Value;

        IReadOnlyList<ChatTokenLogProbabilityDetails> tokens = completion.ContentTokenLogProbabilities;
        int expected = completion.FinishReason == ChatFinishReason.Length ? 10 : completion.Usage.OutputTokenCount - 1;
        Assert.Equal(expected, tokens.Count);
        foreach (ChatTokenLogProbabilityDetails token in tokens)
        {
            Assert.True(token.LogProbability <= 0f);
            Assert.Equal(token.Token, Encoding.UTF8.GetString(token.Utf8Bytes!.Value.Span));
            Assert.Equal(5, token.TopLogProbabilities.Count);
            float[] top = token.TopLogProbabilities.Select(t => t.LogProbability).ToArray();
            Assert.Equal(top.OrderDescending().ToArray(), top);
            Assert.All(token.TopLogProbabilities, t => Assert.True(t.LogProbability <= 0f));
            // Bytes name a token (texts do not: partial characters all show as U+FFFD).
            ChatTokenTopLogProbabilityDetails? same = token.TopLogProbabilities.FirstOrDefault(t => t.Utf8Bytes!.Value.Span.SequenceEqual(token.Utf8Bytes!.Value.Span));
            if (same is not null)
            {
                Assert.Equal(token.LogProbability, same.LogProbability);
            }
            else
            {
                Assert.True(token.LogProbability <= top[^1]);
            }
        }
    }

    [Fact]
    public async Task CompleteChatStreaming_Logprobs_ChunksCarryTheSameTokensAsTheWholeResponse()
    {
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 12, IncludeLogProbabilities = true, TopLogProbabilityCount = 2 };
        ChatMessage[] conversation = [new UserChatMessage("Count the stars.")];
        ChatCompletion whole = (await server.Chat().CompleteChatAsync(conversation, options)).Value;

        var streamed = new List<ChatTokenLogProbabilityDetails>();
        var text = new StringBuilder();
        await foreach (StreamingChatCompletionUpdate update in server.Chat().CompleteChatStreamingAsync(conversation, options))
        {
            streamed.AddRange(update.ContentTokenLogProbabilities);
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.NotEmpty(streamed);
        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(whole.ContentTokenLogProbabilities.Select(t => (t.Token, t.LogProbability)), streamed.Select(t => (t.Token, t.LogProbability)));
        Assert.All(streamed, t => Assert.Equal(2, t.TopLogProbabilities.Count));
    }

    [Fact]
    public async Task Chat_WithoutLogprobs_LogprobsNull()
    {
        JsonElement response = await server.PostOkAsync("/v1/chat/completions",
            $$"""{"model":"{{Model}}","max_tokens":3,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(JsonValueKind.Null, response.GetProperty("choices")[0].GetProperty("logprobs").ValueKind);
    }
}
