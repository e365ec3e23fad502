using System.Net;
using System.Text.Json;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>Bad completions and sampling fields get an OpenAI error object naming the field, and the server keeps serving.</summary>
[Collection(ServerCollection.Name)]
public sealed class CompletionsBadInputTests(ServerFixture server)
{
    private const string Model = OpenAiHttp.Model;

    public static TheoryData<string, string, int, string> BadBodies()
    {
        string longPrompt = string.Join(' ', Enumerable.Repeat("lighthouse keeper", 4000));
        const string completions = "/v1/completions";
        const string chat = "/v1/chat/completions";
        const string messages = """ "messages":[{"role":"user","content":"hi"}] """;
        return new TheoryData<string, string, int, string>
        {
            { completions, $$"""{"model":"{{Model}}"}""", 400, "prompt" },
            { completions, $$"""{"model":"{{Model}}","prompt":[]}""", 400, "prompt" },
            { completions, $$$"""{"model":"{{{Model}}}","prompt":{"text":"hi"}}""", 400, "prompt" },
            { completions, $$"""{"model":"{{Model}}","prompt":["hi", [1, 2]]}""", 400, "prompt" },
            { completions, $$"""{"model":"{{Model}}","prompt":[1, 2, 999999]}""", 400, "prompt" },
            { completions, $$"""{"model":"{{Model}}","prompt":[1, -2]}""", 400, "prompt" },
            { completions, $$"""{"model":"{{Model}}","prompt":[[1, 2], [2048]]}""", 400, "prompt" },
            { completions, $$"""{"model":"{{Model}}","prompt":[[1, 2], []]}""", 400, "prompt" },
            { completions, $$"""{"model":"{{Model}}","prompt":"{{longPrompt}}"}""", 400, "prompt" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","suffix":" and the end."}""", 400, "suffix" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","best_of":3}""", 400, "best_of" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","n":2,"best_of":3}""", 400, "best_of" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","logprobs":6}""", 400, "logprobs" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","logprobs":-1}""", 400, "logprobs" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","n":9}""", 400, "n" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","max_tokens":0}""", 400, "max_tokens" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","temperature":2.5}""", 400, "temperature" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","frequency_penalty":3}""", 400, "frequency_penalty" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","grammar":"root ::= ("}""", 400, "grammar" },
            { completions, $$$"""{"model":"{{{Model}}}","prompt":"hi","logit_bias":{"abc":5}}""", 400, "logit_bias" },
            { completions, $$$"""{"model":"{{{Model}}}","prompt":"hi","logit_bias":{"12":101}}""", 400, "logit_bias" },
            { completions, $$$"""{"model":"{{{Model}}}","prompt":"hi","logit_bias":{"12":"high"}}""", 400, "logit_bias" },
            { completions, $$$"""{"model":"{{{Model}}}","prompt":"hi","logit_bias":{"2048":1}}""", 400, "logit_bias" },
            { completions, $$"""{"model":"{{Model}}","prompt":"hi","logit_bias":[1]}""", 400, "logit_bias" },
            { chat, $$"""{"model":"{{Model}}","top_logprobs":3,{{messages}}}""", 400, "top_logprobs" },
            { chat, $$"""{"model":"{{Model}}","logprobs":true,"top_logprobs":21,{{messages}}}""", 400, "top_logprobs" },
            { chat, $$"""{"model":"{{Model}}","logit_bias":{"-3":1},{{messages}}}""", 400, "logit_bias" },
            { chat, $$"""{"model":"{{Model}}","logit_bias":{"5":-100.5},{{messages}}}""", 400, "logit_bias" },
            { chat, $$"""{"model":"{{Model}}","logit_bias":{"99999":1},{{messages}}}""", 400, "logit_bias" },
        };
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Post_BadField_AnswersErrorNamingItAndKeepsServing(string path, string body, int status, string param)
    {
        (HttpStatusCode code, JsonElement response) = await server.PostAsync(path, body);

        Assert.Equal(status, (int)code);
        JsonElement error = response.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.True(error.TryGetProperty("code", out _));

        await server.PostOkAsync("/v1/completions", $$"""{"model":"{{Model}}","prompt":"still there?","max_tokens":2}""");
    }

    [Fact]
    public async Task Complete_PromptLongerThanContext_ContextLengthExceededWithTheNumbers()
    {
        string longPrompt = string.Join(' ', Enumerable.Repeat("lighthouse keeper", 4000));

        (HttpStatusCode code, JsonElement response) = await server.PostAsync("/v1/completions", $$"""{"model":"{{Model}}","prompt":"{{longPrompt}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("context_length_exceeded", response.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains(ServerFixture.ContextSize.ToString(System.Globalization.CultureInfo.InvariantCulture), response.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
