using System.ClientModel;
using System.Text;
using OpenAI.Chat;
using OpenAI.Models;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>The official OpenAI .NET SDK, pointed at the server, in both modes.</summary>
[Collection(ServerCollection.Name)]
public sealed class ChatCompletionsSdkTests(ServerFixture server)
{
    private static readonly ChatMessage[] Conversation =
    [
        new SystemChatMessage("You are a helpful assistant."),
        new UserChatMessage("Tell me a story about a lighthouse."),
    ];

    [Fact]
    public async Task GetModels_Default_ListsTheServedModel()
    {
        OpenAIModelClient models = server.Client().GetOpenAIModelClient();

        OpenAIModelCollection list = (await models.GetModelsAsync()).Value;

        Assert.Contains(list, m => m.Id == ServerFixture.ModelId && m.OwnedBy == "localllm");
    }

    [Fact]
    public async Task CompleteChat_NonStreaming_ReturnsTextAndUsage()
    {
        ChatCompletion completion = (await server.Chat().CompleteChatAsync(Conversation, new ChatCompletionOptions { MaxOutputTokenCount = 12, Temperature = 0 })).Value;

        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 12);
        Assert.True(completion.Usage.InputTokenCount > 10);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
        Assert.StartsWith("chatcmpl-", completion.Id, StringComparison.Ordinal);
        if (completion.Usage.OutputTokenCount == 12)
        {
            Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        }
    }

    [Fact]
    public async Task CompleteChatStreaming_Streaming_ConcatenatesToTheNonStreamingText()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 16, Temperature = 0 };
        ChatCompletion whole = (await server.Chat().CompleteChatAsync(Conversation, options)).Value;

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (StreamingChatCompletionUpdate update in server.Chat().CompleteChatStreamingAsync(Conversation, options))
        {
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(whole.Content.Single().Text, text.ToString());
        Assert.Equal(whole.FinishReason, finish);
        Assert.NotNull(usage);
        Assert.Equal(whole.Usage.OutputTokenCount, usage.OutputTokenCount);
        Assert.Equal(whole.Usage.InputTokenCount, usage.InputTokenCount);
    }

    [Fact]
    public async Task CompleteChat_SameSeedAndTemperatureOne_SameText()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 16, Temperature = 1, Seed = 42 };

        string first = (await server.Chat().CompleteChatAsync(Conversation, options)).Value.Content[0].Text;
        string second = (await server.Chat().CompleteChatAsync(Conversation, options)).Value.Content[0].Text;

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task CompleteChat_UnknownModel_ThrowsNotFound()
    {
        ClientResultException error = await Assert.ThrowsAsync<ClientResultException>(
            () => server.Chat("no-such-model").CompleteChatAsync(Conversation));

        Assert.Equal(404, error.Status);
        Assert.Contains("model_not_found", error.Message, StringComparison.Ordinal);
    }
}
