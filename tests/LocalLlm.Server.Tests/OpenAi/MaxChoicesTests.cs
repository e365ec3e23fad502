using System.Net;
using System.Text.Json;
using LocalLlm.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>A server started with --max-n 2.</summary>
public sealed class MaxChoicesServerFixture() : ServerFixture(new Dictionary<string, string> { ["parallel"] = "4", ["ctx-size"] = "1024", ["max-n"] = "2" });

public sealed class MaxChoicesTests(MaxChoicesServerFixture server) : IClassFixture<MaxChoicesServerFixture>
{
    [Fact]
    public void FromConfiguration_MaxN_ReadOrDefaultEight()
    {
        IConfiguration configured = new ConfigurationBuilder().AddCommandLine(["--max-n", "3"]).Build();
        IConfiguration unset = new ConfigurationBuilder().AddCommandLine([]).Build();

        Assert.Equal(3, ServerOptions.FromConfiguration(configured).MaxChoices);
        Assert.Equal(8, ServerOptions.FromConfiguration(unset).MaxChoices);
    }

    [Theory]
    [InlineData("/v1/completions", """ "prompt":"hi" """)]
    [InlineData("/v1/chat/completions", """ "messages":[{"role":"user","content":"hi"}] """)]
    public async Task Post_NAtAndAboveTheLimit_ServedThenRejectedNamingTheLimit(string path, string input)
    {
        JsonElement two = await server.PostOkAsync(path, $$"""{"model":"{{ServerFixture.ModelId}}","n":2,"max_tokens":2,{{input}}}""");
        (HttpStatusCode status, JsonElement three) = await server.PostAsync(path, $$"""{"model":"{{ServerFixture.ModelId}}","n":3,"max_tokens":2,{{input}}}""");

        Assert.Equal(2, two.GetProperty("choices").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("n", three.GetProperty("error").GetProperty("param").GetString());
        Assert.Contains("between 1 and 2", three.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
