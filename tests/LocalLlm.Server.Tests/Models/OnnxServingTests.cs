using System.ClientModel;
using System.Text;
using System.Text.Json;
using LocalLlm.ModelForge;
using LocalLlm.ModelForge.Onnx;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenAI;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests.Models;

/// <summary>
/// One server serving the same forged weights as GGUF F32 (llama.cpp) and ONNX FP32 (ONNX Runtime): both listed,
/// both stream through the OpenAI SDK, and their greedy tokens agree alone and among eight concurrent requests.
/// </summary>
public sealed class OnnxServingTests
{
    private const int Tokens = 12;

    /// <summary>The two runtimes' kernels differ in the last bits; a greedy pick may differ only where the top two nearly tie.</summary>
    private const float NearTie = 0.05f;

    private static readonly string[] Prompts =
    [
        "Tell me about lighthouses.", "What is a river?", "Name three colours.", "How do bees talk?",
        "Write a line about snow.", "Why is the sky blue?", "Count to five.", "Describe a quiet town.",
    ];

    [Fact]
    public async Task Chat_GgufAndOnnxOfSameWeights_ListedStreamedAndGreedyEqualUnderConcurrency()
    {
        string folder = Directory.CreateTempSubdirectory("onnx-serving-").FullName;
        string onnx = ForgeCache.GetOrCreateOnnx(TinyModelSpec.Test, OnnxPrecision.Fp32);
        string gguf = ForgeCache.GetOrCreate(TinyModelSpec.Test);
        string modelsFile = await ModelsFileServer.WriteModelsFileAsync(folder, $"""
            models:
              - id: tiny-gguf
                default: true
                path: {gguf}
                context_size: 4096
                parallel: 8
                flash_attn: off
                cache_type_k: f32
                cache_type_v: f32
              - id: tiny-onnx
                backend: onnx
                path: {onnx}
                context_size: 4096
                parallel: 8
            """);

        using WebApplicationFactory<Program> factory = ModelsFileServer.Start(modelsFile);
        using var http = new HttpClient { BaseAddress = factory.ClientOptions.BaseAddress };
        using JsonDocument models = JsonDocument.Parse(await http.GetStringAsync("/v1/models"));
        Assert.Equal(["tiny-gguf", "tiny-onnx"], models.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));

        var options = new OpenAIClientOptions { Endpoint = new Uri(factory.ClientOptions.BaseAddress, "/v1") };
        ChatClient ggufChat = new("tiny-gguf", new ApiKeyCredential("unused"), options);
        ChatClient onnxChat = new("tiny-onnx", new ApiKeyCredential("unused"), options);

        foreach (ChatClient chat in new[] { ggufChat, onnxChat })
        {
            var streamed = new StringBuilder();
            ChatFinishReason? finish = null;
            await foreach (StreamingChatCompletionUpdate update in chat.CompleteChatStreamingAsync([new UserChatMessage(Prompts[0])], Greedy()))
            {
                streamed.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
                finish ??= update.FinishReason;
            }

            ChatCompletion whole = await chat.CompleteChatAsync([new UserChatMessage(Prompts[0])], Greedy());
            Assert.Equal(whole.Content[0].Text, streamed.ToString());
            Assert.Equal(ChatFinishReason.Length, finish);
        }

        // The GGUF entry runs in the reproducible configuration: its streamed and whole texts are computed with the
        // prompt's cells in different places. Reference: each prompt alone on llama.cpp. Then all eight at once on ONNX Runtime, and alone on ONNX Runtime.
        var reference = new List<ChatCompletion>();
        foreach (string prompt in Prompts)
        {
            reference.Add(await ggufChat.CompleteChatAsync([new UserChatMessage(prompt)], Greedy()));
        }

        ChatCompletion[] concurrent = await Task.WhenAll(Prompts.Select(async p => (await onnxChat.CompleteChatAsync([new UserChatMessage(p)], Greedy())).Value));
        for (int i = 0; i < Prompts.Length; i++)
        {
            ChatCompletion alone = await onnxChat.CompleteChatAsync([new UserChatMessage(Prompts[i])], Greedy());
            AssertSameGreedyTokens(reference[i], alone, $"prompt {i}, ONNX alone");
            AssertSameGreedyTokens(reference[i], concurrent[i], $"prompt {i}, ONNX among {Prompts.Length}");
        }
    }

    private static ChatCompletionOptions Greedy() => new()
    {
        MaxOutputTokenCount = Tokens,
        Temperature = 0,
        IncludeLogProbabilities = true,
        TopLogProbabilityCount = 2,
    };

    /// <summary>Equal token for token, or parted only where the reference's top two logprobs nearly tie.</summary>
    private static void AssertSameGreedyTokens(ChatCompletion reference, ChatCompletion other, string what)
    {
        IReadOnlyList<ChatTokenLogProbabilityDetails> expected = reference.ContentTokenLogProbabilities;
        IReadOnlyList<ChatTokenLogProbabilityDetails> actual = other.ContentTokenLogProbabilities;
        Assert.Equal(Tokens, expected.Count);
        for (int t = 0; t < Math.Min(expected.Count, actual.Count); t++)
        {
            if ((expected[t].Utf8Bytes ?? default).Span.SequenceEqual((actual[t].Utf8Bytes ?? default).Span) && expected[t].Token == actual[t].Token)
            {
                continue;
            }

            IReadOnlyList<ChatTokenTopLogProbabilityDetails> top = expected[t].TopLogProbabilities;
            float gap = top[0].LogProbability - top[1].LogProbability;
            Assert.True(gap < NearTie, $"{what}: token {t} differs ('{expected[t].Token}' vs '{actual[t].Token}') with a top-2 gap of {gap:F4}");
            return;
        }

        Assert.Equal(expected.Count, actual.Count);
    }
}
