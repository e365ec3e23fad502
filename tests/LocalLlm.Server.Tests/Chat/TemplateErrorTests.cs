using System.Net;
using System.Text;
using System.Text.Json;

namespace LocalLlm.Server.Tests.Chat;

/// <summary>The server with --chat-template-file: a template that raises on a bad role order, and fails on line 5.</summary>
public sealed class StrictTemplateFixture : ServerFixture
{
    public const string Template = """
        {%- for message in messages %}
        {%- if (message.role == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
        {%- endif %}
        {{- '<|im_start|>' + message.role + '\n' + message.content.strip() | upper + '<|im_end|>\n' }}
        {%- endfor %}
        {%- if add_generation_prompt %}{{- '<|im_start|>assistant\n' }}{%- endif %}
        """;

    public StrictTemplateFixture()
        : base(new Dictionary<string, string> { ["chat-template-file"] = WriteTemplate() })
    {
    }

    private static string WriteTemplate()
    {
        string path = Path.Combine(Path.GetTempPath(), $"localllm-strict-{Guid.NewGuid():N}.jinja");
        File.WriteAllText(path, Template);
        return path;
    }
}

public sealed class TemplateErrorTests(StrictTemplateFixture server) : IClassFixture<StrictTemplateFixture>
{
    [Fact]
    public async Task Chat_TemplateRaisesOnRoleOrder_Returns400NamingTheLine()
    {
        JsonElement error = await PostAsync("""[{"role":"assistant","content":"first"},{"role":"user","content":"hi"}]""", HttpStatusCode.BadRequest);

        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        string message = error.GetProperty("message").GetString()!;
        Assert.Contains("Conversation roles must alternate", message, StringComparison.Ordinal);
        Assert.Contains("line 3", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_TemplateFailsOnNullContent_Returns400NamingTheLine()
    {
        // An assistant message without content reaches the template as none; calling strip() on none fails on line 5.
        JsonElement error = await PostAsync("""[{"role":"user","content":"hi"},{"role":"assistant","content":null},{"role":"user","content":"again"}]""", HttpStatusCode.BadRequest);

        Assert.Contains("line 5", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_TemplateAccepts_RendersWithTheOverride()
    {
        using var content = new StringContent(Body("""[{"role":"user","content":"hi"}]"""), Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await server.Http.PostAsync("/v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        int[] expected = server.Registry.Find(ServerFixture.ModelId)!.Engine.Backend.Tokenizer
            .Tokenize("<|im_start|>user\nHI<|im_end|>\n<|im_start|>assistant\n", addSpecial: true, parseSpecial: true);
        Assert.Equal(expected.Length, body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    private async Task<JsonElement> PostAsync(string messages, HttpStatusCode expected)
    {
        using var content = new StringContent(Body(messages), Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await server.Http.PostAsync("/v1/chat/completions", content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("error").Clone();
    }

    private static string Body(string messages) =>
        $$"""{"model":"{{ServerFixture.ModelId}}","max_tokens":2,"temperature":0,"messages":{{messages}}}""";
}
