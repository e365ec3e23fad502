using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Requests;

namespace LocalLlm.Engine.Tests;

/// <summary>The loop's own accounting: what the serving-overhead figure splits into decode and everything else.</summary>
public sealed class EngineStatisticsTests
{
    [Fact]
    public async Task StepTime_AfterGenerating_CoversDecodeTimeAndCountsEveryToken()
    {
        using LlamaCppBackend llama = TestModel.Load(maxSequences: 1, contextSize: 256);
        await using var engine = new LlmEngine(llama, new EngineOptions { Scheduler = new() { MaxRunningRequests = 1 } });
        int[] prompt = llama.Tokenizer.Tokenize("The lighthouse keeper counts the waves.", true, true);
        var request = new GenerationRequest { RequestId = "timing", PromptTokens = prompt, MaxTokens = 12, IgnoreEos = true, Sampling = SamplingParams.Greedy };

        int generated = 0;
        await foreach (GenerationEvent update in engine.Submit(request).ReadAllAsync())
        {
            generated += update.NewTokens;
        }

        EngineStatistics statistics = engine.Statistics;
        Assert.Equal(12, generated);
        Assert.Equal(12, statistics.Steps);
        Assert.Equal(prompt.Length + 11, statistics.BatchedTokens);
        Assert.True(statistics.DecodeTime > TimeSpan.Zero);
        Assert.True(statistics.DecodeTime <= statistics.StepTime, $"decode {statistics.DecodeTime} exceeds step {statistics.StepTime}");
    }
}
