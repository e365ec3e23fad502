using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LocalLlm.ModelForge;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenAI;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests.Models;

/// <summary>models.yaml entries with <c>backend: onnx</c>, served beside a llama.cpp entry of the same forged weights.</summary>
public sealed class OnnxModelLoaderTests
{
    [Fact]
    public async Task Start_OnnxAndGgufOfSameWeights_ServeTheSameGreedyChat()
    {
        string folder = ModelsFileServer.FolderWith((TinyModelSpec.Test, "qwen.gguf"));
        string modelsFile = await ModelsFileServer.WriteModelsFileAsync(folder, """
            models:
              - id: tiny-onnx
                default: true
                backend: onnx
                path: onnx-test
                forge: test
                context_size: 1024
                parallel: 2
              - id: tiny-gguf
                backend: llamacpp
                path: qwen.gguf
                context_size: 1024
                parallel: 2
            """);

        using WebApplicationFactory<Program> factory = ModelsFileServer.Start(modelsFile, threads: 1);
        using var http = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress };
        using JsonDocument card = JsonDocument.Parse(await http.GetStringAsync("/v1/models/tiny-onnx"));
        Assert.Equal(512, card.RootElement.GetProperty("max_model_len").GetInt32());

        var replies = new List<string>();
        foreach (string id in (string[])["tiny-onnx", "tiny-gguf"])
        {
            var chat = new ChatClient(id, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(factory.ClientOptions.BaseAddress, "/v1") });
            ChatCompletion reply = await chat.CompleteChatAsync(
                [new UserChatMessage("Tell me about lighthouses.")], new ChatCompletionOptions { MaxOutputTokenCount = 12, Temperature = 0 });
            Assert.Equal(id, reply.Model);
            Assert.Equal(12, reply.Usage.OutputTokenCount);
            replies.Add(reply.Content[0].Text);
        }

        Assert.Equal(replies[0], replies[1]);
    }

    [Fact]
    public async Task Post_GrammarNeededOnOnnxModel_Answers400NamingTheBackend()
    {
        string folder = ModelsFileServer.FolderWith();
        string modelsFile = await ModelsFileServer.WriteModelsFileAsync(folder, $"""
            models:
              - id: tiny-onnx
                backend: onnx
                path: {ForgeCache.GetOrCreateOnnx(TinyModelSpec.Test, LocalLlm.ModelForge.Onnx.OnnxPrecision.Fp32)}
                context_size: 512
                parallel: 2
            """);

        using WebApplicationFactory<Program> factory = ModelsFileServer.Start(modelsFile, threads: 1);
        using var http = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress };
        using HttpResponseMessage response = await http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = "tiny-onnx",
            messages = new[] { new { role = "user", content = "Weather in Paris?" } },
            tools = new[] { new { type = "function", function = new { name = "get_weather", parameters = new { type = "object", properties = new { city = new { type = "string" } } } } } },
            tool_choice = "required",
            max_tokens = 8,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement error = body.RootElement.GetProperty("error");
        Assert.Contains("ONNX backend", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("grammar_not_supported", error.GetProperty("code").GetString());

        using HttpResponseMessage completion = await http.PostAsJsonAsync("/v1/completions", new { model = "tiny-onnx", prompt = "Yes or no?", grammar = "root ::= \"yes\"", max_tokens = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, completion.StatusCode);
        Assert.Contains("grammar_not_supported", await completion.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await IsHealthyAsync(http));
    }

    [Theory]
    [InlineData("device: cuda", "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData("embedding: true", "embedding models are served by the llama.cpp backend only")]
    [InlineData("device: tpu", "unknown device 'tpu'")]
    [InlineData("flash_attn: off", "flash_attn, cache_type_k and cache_type_v apply to llama.cpp models only")]
    public async Task Start_UnsupportedOnnxEntry_FailsNamingTheReason(string setting, string expected)
    {
        string error = await ModelsFileServer.StartFailureAsync(ModelsFileServer.FolderWith(), $"""
            models:
              - id: tiny-onnx
                backend: onnx
                path: {ForgeCache.GetOrCreateOnnx(TinyModelSpec.Test, LocalLlm.ModelForge.Onnx.OnnxPrecision.Fp32)}
                {setting}
            """, threads: 1);

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http) =>
        (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
}
