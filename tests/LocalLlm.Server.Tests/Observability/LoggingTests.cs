using System.Net;
using System.Text;
using System.Text.Json;
using LocalLlm.Server.Observability;
using Microsoft.AspNetCore.Builder;

namespace LocalLlm.Server.Tests.Observability;

/// <summary>The server's stdout as operators see it: a real process, its log read back line by line.</summary>
public sealed class LoggingTests
{
    private const string RequestLogSource = "LocalLlm.Server.Observability.RequestLogMiddleware";

    [Fact]
    public async Task DefaultLogs_CompactJsonOneLinePerApiRequest_NeverThePrompt()
    {
        string secret = "harbour-secret-" + Guid.NewGuid().ToString("N");
        using var server = new ServerProcess("log-test", []);
        await server.WaitReadyAsync();
        using (HttpResponseMessage response = await ChatAsync(server, secret, stream: false, requestId: null))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("chat.completion", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (HttpResponseMessage response = await ChatAsync(server, secret, stream: true, requestId: "client-request-7"))
        {
            Assert.EndsWith("data: [DONE]\n\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (HttpResponseMessage missing = await server.Http.GetAsync(new Uri("/v1/models/no-such-model", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        (await server.Http.GetAsync(new Uri("/metrics", UriKind.Relative))).Dispose();
        Assert.Equal(0, await server.StopAsync());

        IReadOnlyList<string> lines = server.Stdout;
        Assert.NotEmpty(lines);
        JsonElement[] events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.All(events, e => Assert.True(e.TryGetProperty("@t", out _)));
        JsonElement[] requests = events.Where(e => e.TryGetProperty("SourceContext", out JsonElement source) && source.GetString() == RequestLogSource).ToArray();

        // The three API requests, one line each; probes and scrapes are not request-logged.
        Assert.Equal(3, requests.Length);
        Assert.Equal(["/v1/chat/completions", "/v1/chat/completions", "/v1/models/no-such-model"], requests.Select(r => r.GetProperty("Path").GetString()));
        Assert.Equal([200, 200, 404], requests.Select(r => r.GetProperty("StatusCode").GetInt32()));
        Assert.Equal([false, true, false], requests.Select(r => r.GetProperty("Stream").GetBoolean()));
        Assert.Equal("client-request-7", requests[1].GetProperty("RequestId").GetString());
        Assert.StartsWith("chatcmpl-", requests[0].GetProperty("RequestId").GetString(), StringComparison.Ordinal);
        Assert.All(requests[..2], r => Assert.True(r.GetProperty("CompletionTokens").GetInt32() > 0));
        Assert.All(requests[..2], r => Assert.True(r.GetProperty("PromptTokens").GetInt32() > 0));
        Assert.All(requests[..2], r => Assert.False(string.IsNullOrEmpty(r.GetProperty("Model").GetString())));
        Assert.All(requests[..2], r => Assert.True(r.GetProperty("TtftMs").GetDouble() > 0));
        Assert.All(requests, r => Assert.True(r.GetProperty("DurationMs").GetDouble() > 0));
        Assert.All(requests, r => Assert.False(r.TryGetProperty("RequestBody", out _)));

        // ASP.NET's own per-request lines stay off by default.
        Assert.DoesNotContain(events, e => e.TryGetProperty("SourceContext", out JsonElement source) && source.GetString()!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogContentFlagAndTextFormatFromEnvironment_PromptIsLoggedAsText()
    {
        string secret = "harbour-secret-" + Guid.NewGuid().ToString("N");
        using var server = new ServerProcess("log-content-test", ["--log-content"], new Dictionary<string, string> { ["LOCALLLM_LOG_FORMAT"] = "text" });
        await server.WaitReadyAsync();
        using (HttpResponseMessage response = await ChatAsync(server, secret, stream: false, requestId: "content-1"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, await server.StopAsync());

        IReadOnlyList<string> lines = server.Stdout;
        string requestLine = Assert.Single(lines, l => l.Contains(RequestLogSource, StringComparison.Ordinal));
        Assert.Contains(secret, requestLine, StringComparison.Ordinal);
        Assert.Contains("content-1", requestLine, StringComparison.Ordinal);
        Assert.Contains("chat.completion", requestLine, StringComparison.Ordinal);
        Assert.All(lines.Where(l => l.Length > 0 && !char.IsWhiteSpace(l[0])), l => Assert.StartsWith("[", l, StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownLogFormat_StartupFailsWithTheFlagNamed()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(["--log-format", "xml"]);
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddServerLogging());
        Assert.Contains("--log-format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogContentSwitch_BareFlagBecomesTrue()
    {
        Assert.Equal(["--log-content=true", "--log-format", "text"], ServerLogging.ExpandSwitches(["--log-content", "--log-format", "text"]));
    }

    private static async Task<HttpResponseMessage> ChatAsync(ServerProcess server, string prompt, bool stream, string? requestId)
    {
        string body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = server.Alias,
            ["stream"] = stream,
            ["max_tokens"] = 3,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
        });
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }

        using (request)
        {
            return await server.Http.SendAsync(request);
        }
    }
}
