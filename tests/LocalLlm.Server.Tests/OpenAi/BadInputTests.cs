using System.Net;
using System.Text;
using System.Text.Json;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>Bad requests get an OpenAI error object with the right status, and the server keeps serving.</summary>
[Collection(ServerCollection.Name)]
public sealed class BadInputTests(ServerFixture server)
{
    private const string Model = ServerFixture.ModelId;

    public static TheoryData<string, int, string?> BadBodies()
    {
        string longPrompt = string.Join(' ', Enumerable.Repeat("lighthouse keeper", 4000));
        return new TheoryData<string, int, string?>
        {
            { """{"model": "tiny-test", "messages": [""", 400, null },
            { "not json at all", 400, null },
            { """{"model": "missing-model", "messages": [{"role":"user","content":"hi"}]}""", 404, "model" },
            { """{"messages": [{"role":"user","content":"hi"}]}""", 400, "model" },
            { $$"""{"model": "{{Model}}", "messages": []}""", 400, "messages" },
            { $$"""{"model": "{{Model}}"}""", 400, "messages" },
            { $$"""{"model": "{{Model}}", "messages": [{"role":"wizard","content":"hi"}]}""", 400, "messages[0].role" },
            { $$"""{"model": "{{Model}}", "messages": [{"role":"user"}]}""", 400, "messages[0].content" },
            { $$$"""{"model": "{{{Model}}}", "messages": [{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", 400, "messages[0].content[0]" },
            { $$"""{"model": "{{Model}}", "temperature": 3, "messages": [{"role":"user","content":"hi"}]}""", 400, "temperature" },
            { $$"""{"model": "{{Model}}", "temperature": "hot", "messages": [{"role":"user","content":"hi"}]}""", 400, "temperature" },
            { $$"""{"model": "{{Model}}", "top_p": 1.5, "messages": [{"role":"user","content":"hi"}]}""", 400, "top_p" },
            { $$"""{"model": "{{Model}}", "max_tokens": 0, "messages": [{"role":"user","content":"hi"}]}""", 400, "max_tokens" },
            { $$"""{"model": "{{Model}}", "max_tokens": 100000, "messages": [{"role":"user","content":"hi"}]}""", 400, "messages" },
            { $$"""{"model": "{{Model}}", "stop": ["a","b","c","d","e"], "messages": [{"role":"user","content":"hi"}]}""", 400, "stop" },
            { $$"""{"model": "{{Model}}", "stop": 5, "messages": [{"role":"user","content":"hi"}]}""", 400, "stop" },
            { $$"""{"model": "{{Model}}", "n": 9, "messages": [{"role":"user","content":"hi"}]}""", 400, "n" },
            { $$"""{"model": "{{Model}}", "n": 0, "messages": [{"role":"user","content":"hi"}]}""", 400, "n" },
            { $$"""{"model": "{{Model}}", "messages": [{"role":"user","content":"{{longPrompt}}"}]}""", 400, "messages" },
        };
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Post_BadBody_AnswersErrorObjectAndKeepsServing(string body, int status, string? param)
    {
        using HttpResponseMessage response = await PostAsync(body);

        Assert.Equal(status, (int)response.StatusCode);
        using JsonDocument error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement inner = error.RootElement.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(inner.GetProperty("message").GetString()));
        Assert.Equal(status == 404 ? "invalid_request_error" : "invalid_request_error", inner.GetProperty("type").GetString());
        Assert.True(inner.TryGetProperty("code", out _));
        if (param is not null)
        {
            Assert.Equal(param, inner.GetProperty("param").GetString());
        }

        using HttpResponseMessage good = await PostAsync($$"""{"model": "{{Model}}", "max_tokens": 2, "messages": [{"role":"user","content":"still there?"}]}""");
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    [Fact]
    public async Task Post_PromptLongerThanContext_SaysTheNumbers()
    {
        string longPrompt = string.Join(' ', Enumerable.Repeat("lighthouse keeper", 4000));
        using HttpResponseMessage response = await PostAsync($$"""{"model": "{{Model}}", "messages": [{"role":"user","content":"{{longPrompt}}"}]}""");

        string message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("message").GetString()!;
        Assert.Contains(ServerFixture.ContextSize.ToString(System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
        Assert.Contains("context_length_exceeded", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await server.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), content);
    }
}
