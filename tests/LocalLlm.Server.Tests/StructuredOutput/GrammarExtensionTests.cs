using System.Net;
using System.Text;
using System.Text.Json;

namespace LocalLlm.Server.Tests.StructuredOutput;

/// <summary>The <c>grammar</c> extension (raw GBNF) and the rules on combining output constraints, over raw HTTP.</summary>
[Collection(ServerCollection.Name)]
public sealed class GrammarExtensionTests(ServerFixture server)
{
    private const string Messages = """[{"role":"user","content":"Is the sky blue?"}]""";

    [Theory]
    [InlineData(0f, 1)]
    [InlineData(1.5f, 2)]
    [InlineData(1.5f, 3)]
    public async Task Post_Grammar_ContentFollowsIt(float temperature, int seed)
    {
        using HttpResponseMessage response = await PostAsync(
            $$"""{"model":"tiny-test","messages":{{Messages}},"grammar":"root ::= \"yes\" | \"no\"","temperature":{{temperature}},"seed":{{seed}},"max_tokens":20}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement choice = body.RootElement.GetProperty("choices")[0];
        Assert.Contains(choice.GetProperty("message").GetProperty("content").GetString(), new[] { "yes", "no" });
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { """ "grammar":"root ::= (\"a\"" """, "grammar", "grammar" },
        { """ "grammar":"root ::= undefined-rule" """, "grammar", "grammar" },
        { """ "grammar":"root ::= \"a\"{0,100000000}" """, "grammar", "100000000" },
        { """ "grammar":"root ::= \"a\"","response_format":{"type":"json_object"} """, "grammar", "together" },
        { """ "response_format":{"type":"json_object"},"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required" """, "response_format", "tool call" },
        { """ "grammar":"root ::= \"a\"","tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required" """, "grammar", "tool call" },
        { """ "response_format":{"type":"xml"} """, "response_format", "'xml'" },
        { """ "response_format":"json" """, "response_format", "'type'" },
        { """ "response_format":{"type":"json_schema"} """, "response_format", "json_schema" },
        { """ "response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object"}}} """, "response_format", "name" },
        { """ "response_format":{"type":"json_schema","json_schema":{"name":"x","strict":"yes","schema":{}}} """, "response_format", "strict" },
        { """ "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"string","format":"email"}}} """, "response_format", "#/format" },
        { """ "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{"type":"string","format":"hostname"}}}}}],"tool_choice":"required" """, "tools", "#/properties/a/format" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Post_BadConstraint_AnswersBadRequestWithParam(string fields, string param, string messagePart)
    {
        using HttpResponseMessage response = await PostAsync($$"""{"model":"tiny-test","messages":{{Messages}},"max_tokens":5,{{fields}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement error = body.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(messagePart, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await server.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), content);
    }
}
