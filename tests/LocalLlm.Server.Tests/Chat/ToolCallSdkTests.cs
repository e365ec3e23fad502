using System.Text;
using System.Text.Json;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests.Chat;

/// <summary>
/// Forced tool calls through the official OpenAI SDK. The test model has random weights and the real Qwen3 template:
/// only the tool-call grammar makes its output a well-formed <c>&lt;tool_call&gt;</c>, which is what these tests show.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ToolCallSdkTests(ServerFixture server)
{
    private static readonly ChatTool GetTime = ChatTool.CreateFunctionTool("get_time", "The current time.");

    // Arguments follow the parameter schema; the city is bounded because a random-weight model rarely closes a string.
    private static readonly ChatTool GetWeather = ChatTool.CreateFunctionTool(
        "get_weather",
        "The weather in a city.",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string","maxLength":20}},"required":["city"]}"""));

    public static TheoryData<string> Choices => new() { "required", "get_time", "get_weather" };

    [Theory]
    [MemberData(nameof(Choices))]
    public async Task Complete_ForcedToolChoice_ReturnsParseableToolCall(string choice)
    {
        ChatCompletion completion = (await server.Chat().CompleteChatAsync(Messages(), Options(choice))).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        ChatToolCall call = Assert.Single(completion.ToolCalls);
        Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
        Assert.Equal(ChatToolCallKind.Function, call.Kind);
        AssertCallMatchesChoice(choice, call.FunctionName, call.FunctionArguments.ToString());
        Assert.Empty(completion.Content);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public async Task Stream_ForcedToolChoice_ReassemblesToTheNonStreamCall(string choice)
    {
        ChatCompletion whole = (await server.Chat().CompleteChatAsync(Messages(), Options(choice))).Value;

        string? id = null, name = null;
        var arguments = new StringBuilder();
        var content = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (StreamingChatCompletionUpdate update in server.Chat().CompleteChatStreamingAsync(Messages(), Options(choice)))
        {
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                content.Append(part.Text);
            }

            foreach (StreamingChatToolCallUpdate call in update.ToolCallUpdates)
            {
                Assert.Equal(0, call.Index);
                id ??= call.ToolCallId;
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(string.Empty, content.ToString());
        Assert.StartsWith("call_", id, StringComparison.Ordinal);
        Assert.Equal(whole.ToolCalls[0].FunctionName, name);
        Assert.Equal(whole.ToolCalls[0].FunctionArguments.ToString(), arguments.ToString());
        AssertCallMatchesChoice(choice, name!, arguments.ToString());
    }

    private static void AssertCallMatchesChoice(string choice, string name, string arguments)
    {
        Assert.Contains(name, new[] { "get_time", "get_weather" });
        if (choice != "required")
        {
            Assert.Equal(choice, name);
        }

        using JsonDocument parsed = JsonDocument.Parse(arguments);
        Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
        if (name == "get_time")
        {
            Assert.Empty(parsed.RootElement.EnumerateObject());
        }
    }

    private static List<ChatMessage> Messages() =>
    [
        new SystemChatMessage("You answer with tools."),
        new UserChatMessage("What is the weather in Paris, and what time is it?"),
    ];

    private static ChatCompletionOptions Options(string choice)
    {
        var options = new ChatCompletionOptions
        {
            Temperature = 0,
            MaxOutputTokenCount = 256,
            AllowParallelToolCalls = false,
            ToolChoice = choice == "required" ? ChatToolChoice.CreateRequiredChoice() : ChatToolChoice.CreateFunctionChoice(choice),
        };
        options.Tools.Add(GetTime);
        options.Tools.Add(GetWeather);
        return options;
    }
}
