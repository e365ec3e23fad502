using System.ClientModel;
using System.Text;
using System.Text.Json;
using Json.Schema;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests.StructuredOutput;

/// <summary>
/// <c>response_format</c> through the official OpenAI SDK against the real server and the random-weight test model:
/// only the grammar makes its output JSON, let alone valid against the schema.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ResponseFormatSdkTests(ServerFixture server)
{
    private const string WeatherSchema = """
        {
          "type": "object",
          "properties": {
            "city": { "type": "string", "enum": ["Paris", "Lima", "Oslo"] },
            "temperature_c": { "type": "integer", "minimum": -40, "maximum": 50 },
            "date": { "type": "string", "format": "date" },
            "tags": { "type": "array", "items": { "type": "string", "pattern": "^[a-z]{1,6}$" }, "maxItems": 3 },
            "note": { "anyOf": [{ "type": "string", "pattern": "^[A-Z][a-z ]{0,10}$" }, { "type": "null" }] }
          },
          "required": ["city", "temperature_c", "date", "tags", "note"],
          "additionalProperties": false
        }
        """;

    private static readonly EvaluationOptions s_evaluation = new() { RequireFormatValidation = true };

    [Theory]
    [InlineData(0f, 1L)]
    [InlineData(1f, 7L)]
    [InlineData(1.5f, 42L)]
    public async Task Complete_StrictJsonSchema_ContentValidatesAgainstSchema(float temperature, long seed)
    {
        ChatCompletionOptions options = Options(ChatResponseFormat.CreateJsonSchemaFormat("weather", BinaryData.FromString(WeatherSchema), "Today's weather", jsonSchemaIsStrict: true), temperature, seed);

        ChatCompletion completion = (await server.Chat().CompleteChatAsync(Messages(), options)).Value;

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        AssertValid(WeatherSchema, completion.Content[0].Text);
    }

    [Fact]
    public async Task Stream_StrictJsonSchema_ReassembledContentValidates()
    {
        ChatCompletionOptions options = Options(ChatResponseFormat.CreateJsonSchemaFormat("weather", BinaryData.FromString(WeatherSchema), jsonSchemaIsStrict: true), 1f, 3);
        var content = new StringBuilder();
        await foreach (StreamingChatCompletionUpdate update in server.Chat().CompleteChatStreamingAsync(Messages(), options))
        {
            foreach (ChatMessageContentPart part in update.ContentUpdate)
            {
                content.Append(part.Text);
            }
        }

        AssertValid(WeatherSchema, content.ToString());
    }

    /// <summary>
    /// Any object is allowed, and a random-weight model almost never closes a string it opened, so most samples run to
    /// the token limit; a few seeds close the object at once. Every sample must be an object or the start of one, and
    /// every finished one a whole object.
    /// </summary>
    [Fact]
    public async Task Complete_JsonObjectFormat_FinishedContentIsJsonObject()
    {
        ChatCompletion[] completions = await Task.WhenAll(Enumerable.Range(1, 64).Select(async seed =>
            (await server.Chat().CompleteChatAsync([new UserChatMessage("Reply with a JSON object.")], Options(ChatResponseFormat.CreateJsonObjectFormat(), 1f, seed, maxTokens: 12))).Value));

        Assert.All(completions, c => Assert.StartsWith("{", c.Content[0].Text, StringComparison.Ordinal));
        ChatCompletion[] finished = [.. completions.Where(c => c.FinishReason == ChatFinishReason.Stop)];
        Assert.NotEmpty(finished);
        Assert.All(finished, c =>
        {
            using JsonDocument document = JsonDocument.Parse(c.Content[0].Text);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        });
    }

    [Fact]
    public async Task Complete_TextFormat_IsUnconstrained()
    {
        ChatCompletion completion = (await server.Chat().CompleteChatAsync(Messages(), Options(ChatResponseFormat.CreateTextFormat(), 0f, 1, maxTokens: 16))).Value;

        Assert.NotEmpty(completion.Content[0].Text);
    }

    [Fact]
    public async Task Complete_UnsupportedKeyword_ThrowsBadRequestNamingKeywordAndPath()
    {
        const string schema = """{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"},"uniqueItems":true}},"required":["tags"],"additionalProperties":false}""";
        ChatCompletionOptions options = Options(ChatResponseFormat.CreateJsonSchemaFormat("tags", BinaryData.FromString(schema), jsonSchemaIsStrict: true), 0f, 1);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => server.Chat().CompleteChatAsync(Messages(), options));

        Assert.Equal(400, error.Status);
        using JsonDocument body = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString());
        JsonElement inner = body.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", inner.GetProperty("type").GetString());
        Assert.Equal("response_format", inner.GetProperty("param").GetString());
        Assert.Contains("'uniqueItems'", inner.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("#/properties/tags/uniqueItems", inner.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    internal static void AssertValid(string schema, string content)
    {
        using JsonDocument document = JsonDocument.Parse(content);
        Assert.True(JsonSchema.FromText(schema).Evaluate(document.RootElement, s_evaluation).IsValid, content);
    }

    private static List<ChatMessage> Messages() =>
    [
        new SystemChatMessage("You report the weather as JSON."),
        new UserChatMessage("What is the weather in Paris today?"),
    ];

    private static ChatCompletionOptions Options(ChatResponseFormat format, float temperature, long seed, int maxTokens = 300) => new()
    {
        ResponseFormat = format,
        Temperature = temperature,
        Seed = seed,
        MaxOutputTokenCount = maxTokens,
    };
}
