using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Requests;

namespace LocalLlm.Engine.Tests;

/// <summary>The engine's prefix cache against a real backend that does or does not share KV cells between sequences.</summary>
public sealed class PrefixSharingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Submit_SamePromptTwice_SharesCellsOnlyWhenBackendSupportsIt(bool supportsSharing)
    {
        using LlamaCppBackend llama = TestModel.Load(maxSequences: 4);
        var backend = new SharingRecorder(llama, supportsSharing);
        await using var engine = new LlmEngine(backend, new EngineOptions { Scheduler = new() { MaxRunningRequests = 2 } });
        int[] prompt = llama.Tokenizer.Tokenize(string.Concat(Enumerable.Repeat("The lighthouse keeper counts the waves. ", 8)), true, true);

        int[] first = await GenerateAsync(engine, prompt);
        int[] second = await GenerateAsync(engine, prompt);

        Assert.Equal(supportsSharing, engine.PrefixCaching);
        Assert.Equal(first, second);
        if (supportsSharing)
        {
            Assert.True(backend.Copies > 0);
            Assert.True(engine.Statistics.PrefixCacheHits > 0);
            Assert.Contains(backend.Sequences, s => s >= 2);
        }
        else
        {
            Assert.Equal(0, backend.Copies);
            Assert.Equal(0, engine.Statistics.PrefixCacheHits);
            Assert.All(backend.Sequences, s => Assert.InRange(s, 0, 1));
        }
    }

    private static async Task<int[]> GenerateAsync(LlmEngine engine, int[] prompt)
    {
        var request = new GenerationRequest { RequestId = Guid.NewGuid().ToString("N"), PromptTokens = prompt, MaxTokens = 8, IgnoreEos = true };
        var tokens = new List<int>();
        await foreach (GenerationEvent update in engine.Submit(request).ReadAllAsync())
        {
            if (update.Token >= 0)
            {
                tokens.Add(update.Token);
            }
        }

        return [.. tokens];
    }

    /// <summary>The real backend, reporting the given sharing support and recording which sequences the engine touches.</summary>
    private sealed class SharingRecorder(IModelBackend inner, bool supportsSharing) : IModelBackend
    {
        public BackendInfo Info { get; } = inner.Info with { SupportsPrefixSharing = supportsSharing };

        public ITokenizer Tokenizer => inner.Tokenizer;

        public int Copies { get; private set; }

        public HashSet<int> Sequences { get; } = [];

        public DecodeStatus Decode(ReadOnlySpan<BatchToken> tokens)
        {
            foreach (BatchToken token in tokens)
            {
                Sequences.Add(token.SequenceId);
            }

            return inner.Decode(tokens);
        }

        public ReadOnlySpan<float> GetLogits(int batchIndex) => inner.GetLogits(batchIndex);

        public ITokenSampler CreateSampler(SamplingParams sampling) => inner.CreateSampler(sampling);

        public void RemoveTokens(int sequenceId, int fromPos, int toPos)
        {
            Sequences.Add(sequenceId);
            inner.RemoveTokens(sequenceId, fromPos, toPos);
        }

        public void CopyTokens(int source, int target, int fromPos, int toPos)
        {
            Copies++;
            Sequences.Add(source);
            Sequences.Add(target);
            inner.CopyTokens(source, target, fromPos, toPos);
        }

        public void Dispose()
        {
        }
    }
}
