using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Requests;

namespace LocalLlm.Engine.Tests;

/// <summary>A request whose sampler the backend refuses fails alone; the engine keeps serving.</summary>
public sealed class SamplerFailureTests
{
    [Fact]
    public async Task Submit_GrammarTheBackendRejects_FailsThatRequestOnly()
    {
        using LlamaCppBackend llama = TestModel.Load(maxSequences: 2);
        await using var engine = new LlmEngine(llama, new EngineOptions { Scheduler = new() { MaxRunningRequests = 2 } });
        int[] prompt = llama.Tokenizer.Tokenize("hello there", true, true);

        List<GenerationEvent> rejected = await RunAsync(engine, prompt, new SamplingParams { Temperature = 0, Grammar = "root ::= (" });
        List<GenerationEvent> served = await RunAsync(engine, prompt, SamplingParams.Greedy);

        GenerationEvent failure = Assert.Single(rejected);
        Assert.Equal(FinishReason.Error, failure.Finish);
        Assert.Contains("grammar", failure.Error, StringComparison.OrdinalIgnoreCase);
        Assert.True(engine.IsAlive);
        Assert.Equal(4, served.Count(e => e.Token >= 0));
        Assert.Equal(FinishReason.Length, served[^1].Finish);
    }

    private static async Task<List<GenerationEvent>> RunAsync(LlmEngine engine, int[] prompt, SamplingParams sampling)
    {
        var request = new GenerationRequest { RequestId = Guid.NewGuid().ToString("N"), PromptTokens = prompt, MaxTokens = 4, IgnoreEos = true, Sampling = sampling };
        var events = new List<GenerationEvent>();
        await foreach (GenerationEvent update in engine.Submit(request).ReadAllAsync())
        {
            events.Add(update);
        }

        return events;
    }
}
