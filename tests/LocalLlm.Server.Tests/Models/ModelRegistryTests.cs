using System.ClientModel;
using System.Net;
using System.Text.Json;
using LocalLlm.ModelForge;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenAI;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests.Models;

public sealed class ModelRegistryTests
{
    [Fact]
    public async Task Start_ModelsFileWithTwoEntries_ServesBoth()
    {
        string folder = ModelsFileServer.FolderWith((TinyModelSpec.Test, "qwen.gguf"), (TinyModelSpec.TestLlama, "llama.gguf"));
        string modelsFile = await ModelsFileServer.WriteModelsFileAsync(folder, """
            models:
              - id: tiny-llama
                path: llama.gguf
                context_size: 2048
                parallel: 2
              - id: tiny-qwen
                default: true
                backend: llamacpp
                path: qwen.gguf
                context_size: 2048
                parallel: 2
            """);

        using WebApplicationFactory<Program> factory = ModelsFileServer.Start(modelsFile);
        using var http = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress };
        using JsonDocument models = JsonDocument.Parse(await http.GetStringAsync("/v1/models"));
        string[] ids = models.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(["tiny-qwen", "tiny-llama"], ids);

        foreach (string id in ids)
        {
            var chat = new ChatClient(id, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(factory.ClientOptions.BaseAddress, "/v1") });
            ChatCompletion reply = await chat.CompleteChatAsync([new UserChatMessage("hello")], new ChatCompletionOptions { MaxOutputTokenCount = 4, Temperature = 0 });
            Assert.Equal(id, reply.Model);
            Assert.Equal(4, reply.Usage.OutputTokenCount);
        }
    }

    [Fact]
    public async Task Start_UnknownBackend_FailsNamingIt()
    {
        string error = await ModelsFileServer.StartFailureAsync(ModelsFileServer.FolderWith(), """
            models:
              - id: odd
                backend: tensorflow
                path: odd.bin
            """);

        Assert.Contains("unknown backend 'tensorflow'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_QuantizedValueCacheWithFlashAttentionOff_FailsNamingFlashAttention()
    {
        string error = await ModelsFileServer.StartFailureAsync(ModelsFileServer.FolderWith((TinyModelSpec.Test, "qwen.gguf")), """
            models:
              - id: quantized-values
                path: qwen.gguf
                context_size: 1024
                flash_attn: off
                cache_type_v: q8_0
            """);

        Assert.Contains("q8_0 V cache needs flash attention", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownCacheType_FailsNamingTheModelAndKey()
    {
        string error = await ModelsFileServer.StartFailureAsync(ModelsFileServer.FolderWith((TinyModelSpec.Test, "qwen.gguf")), """
            models:
              - id: odd-cache
                path: qwen.gguf
                context_size: 1024
                cache_type_k: q4_k
            """);

        Assert.Contains("Model 'odd-cache': cache_type_k must be one of f16, f32, bf16, q8_0, q4_0, got 'q4_k'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DuplicateIds_FailsNamingTheId()
    {
        string error = await ModelsFileServer.StartFailureAsync(ModelsFileServer.FolderWith((TinyModelSpec.Test, "qwen.gguf")), """
            models:
              - id: same
                path: qwen.gguf
                context_size: 1024
              - id: same
                path: qwen.gguf
                context_size: 1024
            """);

        Assert.Contains("Two models have the id 'same'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ModelById_ReportsContextLength()
    {
        string folder = ModelsFileServer.FolderWith((TinyModelSpec.Test, "qwen.gguf"));
        string modelsFile = await ModelsFileServer.WriteModelsFileAsync(folder, """
            models:
              - id: tiny-qwen
                path: qwen.gguf
                context_size: 1024
                parallel: 2
            """);

        using WebApplicationFactory<Program> factory = ModelsFileServer.Start(modelsFile);
        using var http = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress };
        using JsonDocument card = JsonDocument.Parse(await http.GetStringAsync("/v1/models/tiny-qwen"));
        Assert.Equal(1024, card.RootElement.GetProperty("max_model_len").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v1/models/absent")).StatusCode);
    }
}
