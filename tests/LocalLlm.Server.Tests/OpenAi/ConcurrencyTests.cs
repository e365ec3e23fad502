using System.Text;
using LocalLlm.Engine;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests.OpenAi;

[Collection(ServerCollection.Name)]
public sealed class ConcurrencyTests(ServerFixture server)
{
    [Fact]
    public async Task StreamChat_SixteenConcurrent_AllCompleteInSharedBatches()
    {
        LlmEngine engine = server.Registry.Find(ServerFixture.ModelId)!.Engine;
        long batchedBefore = engine.Statistics.StepsWithSeveralSequences;

        Task<(string Text, ChatFinishReason? Finish)>[] streams = Enumerable.Range(0, 16)
            .Select(i => StreamAsync($"Request number {i}: describe the sea.", maxTokens: 24))
            .ToArray();
        (string Text, ChatFinishReason? Finish)[] results = await Task.WhenAll(streams);

        Assert.All(results, r => Assert.NotNull(r.Finish));
        Assert.True(engine.Statistics.StepsWithSeveralSequences > batchedBefore, "no step decoded more than one sequence");
        Assert.True(engine.Statistics.MaxSequencesInStep > 1);
    }

    [Fact]
    public async Task CompleteChat_GreedyAloneAndAmongEightConcurrent_SameText()
    {
        const string prompt = "Write one sentence about mountains.";
        string alone = await CompleteAsync(prompt);

        Task<string>[] together = Enumerable.Range(0, 8)
            .Select(i => i % 2 == 0 ? CompleteAsync(prompt) : CompleteAsync($"Another question, number {i}, about rivers and valleys."))
            .ToArray();
        string[] results = await Task.WhenAll(together);

        Assert.All(results.Where((_, i) => i % 2 == 0), r => Assert.Equal(alone, r));
    }

    private async Task<string> CompleteAsync(string prompt)
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 24, Temperature = 0 };
        ChatCompletion completion = (await server.Chat().CompleteChatAsync([new UserChatMessage(prompt)], options)).Value;
        return completion.Content.Count == 0 ? string.Empty : completion.Content[0].Text;
    }

    private async Task<(string, ChatFinishReason?)> StreamAsync(string prompt, int maxTokens)
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        var options = new ChatCompletionOptions { MaxOutputTokenCount = maxTokens, Temperature = 0.8f };
        await foreach (StreamingChatCompletionUpdate update in server.Chat().CompleteChatStreamingAsync([new UserChatMessage(prompt)], options))
        {
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        return (text.ToString(), finish);
    }
}
