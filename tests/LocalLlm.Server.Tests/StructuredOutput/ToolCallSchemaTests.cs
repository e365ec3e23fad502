using System.Text.Json;
using LocalLlm.Server.Chat;
using LocalLlm.Server.OpenAi;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests.StructuredOutput;

/// <summary>A forced tool call's arguments follow the function's parameter schema.</summary>
[Collection(ServerCollection.Name)]
public sealed class ToolCallSchemaTests(ServerFixture server)
{
    private const string ForecastParameters = """
        {
          "type": "object",
          "properties": {
            "city": { "type": "string", "enum": ["Paris", "Lima"] },
            "days": { "type": "integer", "minimum": 1, "maximum": 7 },
            "unit": { "type": "string", "enum": ["celsius", "fahrenheit"] },
            "hourly": { "type": "boolean" }
          },
          "required": ["city", "days", "unit"],
          "additionalProperties": false
        }
        """;

    [Theory]
    [InlineData(0f, 1L)]
    [InlineData(1.2f, 11L)]
    [InlineData(1.2f, 12L)]
    public async Task Complete_ForcedCallWithParameterSchema_ArgumentsValidate(float temperature, long seed)
    {
        var options = new ChatCompletionOptions
        {
            Temperature = temperature,
            Seed = seed,
            MaxOutputTokenCount = 300,
            AllowParallelToolCalls = false,
            ToolChoice = ChatToolChoice.CreateFunctionChoice("forecast"),
        };
        options.Tools.Add(ChatTool.CreateFunctionTool("forecast", "The weather forecast.", BinaryData.FromString(ForecastParameters)));

        ChatCompletion completion = (await server.Chat().CompleteChatAsync([new UserChatMessage("Forecast for Paris?")], options)).Value;

        ChatToolCall call = Assert.Single(completion.ToolCalls);
        Assert.Equal("forecast", call.FunctionName);
        ResponseFormatSdkTests.AssertValid(ForecastParameters, call.FunctionArguments.ToString());
    }

    [Fact]
    public void Build_ParametersWithUnsupportedKeyword_ThrowsBadRequestNamingFunction()
    {
        using JsonDocument parameters = JsonDocument.Parse("""{"type":"object","properties":{"ids":{"type":"array","uniqueItems":true}}}""");

        var error = Assert.Throws<ApiException>(() =>
            ToolCallGrammar.Build(ToolCallFormat.Hermes, [new ToolFunction("lookup", false, parameters.RootElement)], parallel: false));

        Assert.Equal(400, error.Status);
        Assert.Equal("tools", error.Param);
        Assert.Contains("'lookup'", error.Message, StringComparison.Ordinal);
        Assert.Contains("#/properties/ids/uniqueItems", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ParameterSchema_WritesArgumentRulesBeforeFunctionRules()
    {
        using JsonDocument parameters = JsonDocument.Parse("""{"type":"object","properties":{"n":{"type":"integer","minimum":1,"maximum":3}},"required":["n"]}""");

        string grammar = ToolCallGrammar.Build(ToolCallFormat.Hermes, [new ToolFunction("pick", false, parameters.RootElement), new ToolFunction("none", true)], parallel: true);

        Assert.StartsWith("root ::= call (\"\\n\" call)*\n", grammar, StringComparison.Ordinal);
        Assert.Contains("fn0-arguments-n-integer ::= [1-3] space\n", grammar, StringComparison.Ordinal);
        Assert.Contains("fn0-arguments-object ::= \"{\" space fn0-arguments-n-kv \"}\" space\n", grammar, StringComparison.Ordinal);
        Assert.Contains("fn1 ::= \"\\\"name\\\"\" space \":\" space \"\\\"none\\\"\" space \",\" space \"\\\"arguments\\\"\" space \":\" space empty-object\n", grammar, StringComparison.Ordinal);
        Assert.Contains("fn ::= fn0 | fn1\n", grammar, StringComparison.Ordinal);
    }
}
