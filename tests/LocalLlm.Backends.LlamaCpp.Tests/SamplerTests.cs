using LocalLlm.Backends.LlamaCpp.Native;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.LlamaCpp.Tests;

public sealed class SamplerTests : IDisposable
{
    private readonly LlamaCppBackend _backend = TestModel.Load();

    public void Dispose() => _backend.Dispose();

    [Fact]
    public void Sample_Greedy_PicksArgmaxOfLogits()
    {
        var prompt = Tokens("hello world");
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(DecodeTests.Prompt(prompt, 0)));
        using var sampler = _backend.CreateSampler(SamplingParams.Greedy);

        var token = sampler.Sample(prompt.Length - 1);

        var logits = _backend.GetLogits(prompt.Length - 1).ToArray();
        Assert.Equal(Array.IndexOf(logits, logits.Max()), token);
    }

    [Fact]
    public void Generate_GreedyTwice_ProducesSameTokens()
    {
        var first = Generate(SamplingParams.Greedy, steps: 16);
        _backend.ClearMemory();
        var second = Generate(SamplingParams.Greedy, steps: 16);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Generate_SameSeed_IsReproducibleAndOtherSeedDiffers()
    {
        var sampling = new SamplingParams { Temperature = 1.5f, TopK = 100, TopP = 0.98f, MinP = 0.001f, Seed = 42 };

        var first = Generate(sampling, steps: 24);
        _backend.ClearMemory();
        var second = Generate(sampling, steps: 24);
        _backend.ClearMemory();
        var other = Generate(sampling with { Seed = 7 }, steps: 24);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void CreateSampler_Parameters_BuildsOnlyNeededStages()
    {
        using var greedy = (LlamaTokenSampler)_backend.CreateSampler(SamplingParams.Greedy);
        using var plain = (LlamaTokenSampler)_backend.CreateSampler(new SamplingParams { Temperature = 0.7f });
        using var full = (LlamaTokenSampler)_backend.CreateSampler(new SamplingParams
        {
            Temperature = 0.7f,
            TopK = 40,
            TopP = 0.9f,
            MinP = 0.05f,
            FrequencyPenalty = 0.5f,
            Seed = 1,
        });

        Assert.Equal(1, greedy.StageCount);
        Assert.Equal(2, plain.StageCount);
        Assert.Equal(6, full.StageCount);
    }

    [Fact]
    public void Sample_LogitBiasOnToken_ForcesIt()
    {
        var prompt = Tokens("hello world");
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(DecodeTests.Prompt(prompt, 0)));
        var logits = _backend.GetLogits(prompt.Length - 1).ToArray();
        var weakest = Array.IndexOf(logits, logits.Min());

        using var sampler = _backend.CreateSampler(SamplingParams.Greedy, new Dictionary<int, float> { [weakest] = 1000f });

        Assert.Equal(weakest, sampler.Sample(prompt.Length - 1));
    }

    [Fact]
    public void Sample_SamplingLogitBias_MinusHundredBansAndPlusHundredForces()
    {
        var prompt = Tokens("hello world");
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(DecodeTests.Prompt(prompt, 0)));
        var logits = _backend.GetLogits(prompt.Length - 1).ToArray();
        var favourite = Array.IndexOf(logits, logits.Max());
        var weakest = Array.IndexOf(logits, logits.Min());
        Assert.True(logits.Max() - logits.Min() < 100f, "the test model's logits spread too far for a +100 bias to decide");

        using var banned = _backend.CreateSampler(SamplingParams.Greedy with { LogitBias = [new(favourite, -100f)] });
        using var forced = _backend.CreateSampler(SamplingParams.Greedy with { LogitBias = [new(weakest, 100f)] });
        using var bannedHot = _backend.CreateSampler(new SamplingParams
        {
            Temperature = 2f,
            Seed = 3,
            LogitBias = Enumerable.Range(0, logits.Length).Where(t => t != weakest).Select(t => new KeyValuePair<int, float>(t, -100f)).ToList(),
        });

        Assert.NotEqual(favourite, banned.Sample(prompt.Length - 1));
        Assert.Equal(weakest, forced.Sample(prompt.Length - 1));
        Assert.Equal(weakest, bannedHot.Sample(prompt.Length - 1));
    }

    [Fact]
    public void CreateSampler_LogitBiasOutsideVocabulary_Throws()
    {
        var outside = _backend.Info.VocabularySize;

        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.CreateSampler(SamplingParams.Greedy with { LogitBias = [new(outside, 1f)] }));
    }

    [Fact]
    public void Sample_RepetitionPenaltyAfterAccept_AvoidsAcceptedToken()
    {
        var prompt = Tokens("hello world");
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(DecodeTests.Prompt(prompt, 0)));
        int favourite;
        using (var greedy = _backend.CreateSampler(SamplingParams.Greedy))
        {
            favourite = greedy.Sample(prompt.Length - 1);
        }

        // A huge presence penalty on the accepted token makes greedy pick something else.
        using var penalised = _backend.CreateSampler(SamplingParams.Greedy with { PresencePenalty = 1000f });
        penalised.Accept(favourite);

        Assert.NotEqual(favourite, penalised.Sample(prompt.Length - 1));
    }

    [Fact]
    public void Sample_IndexWithoutLogits_Throws()
    {
        var prompt = Tokens("hello world the");
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(DecodeTests.Prompt(prompt, 0)));
        using var sampler = _backend.CreateSampler(SamplingParams.Greedy);

        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Sample(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Sample(prompt.Length));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Accept(-1));
    }

    [Fact]
    public unsafe void GrammarSampler_ValidAndInvalidGrammar_CreatesOrFailsCleanly()
    {
        var vocab = LlamaNative.llama_model_get_vocab(_backend.Model);

        using var valid = SafeLlamaSamplerHandle.ThrowIfInvalid(
            LlamaNative.llama_sampler_init_grammar(vocab, "root ::= \"hello\" | \"world\"", "root"), "grammar");
        var invalid = LlamaNative.llama_sampler_init_grammar(vocab, "root ::= (", "root");

        Assert.False(valid.IsInvalid);
        Assert.Throws<LlamaException>(() => SafeLlamaSamplerHandle.ThrowIfInvalid(invalid, "grammar"));
    }

    private int[] Generate(SamplingParams sampling, int steps)
    {
        var prompt = Tokens("hello world the");
        using var sampler = _backend.CreateSampler(sampling);
        foreach (var token in prompt)
        {
            sampler.Accept(token);
        }

        Assert.Equal(DecodeStatus.Ok, _backend.Decode(DecodeTests.Prompt(prompt, 0)));
        var index = prompt.Length - 1;
        var generated = new List<int>();
        for (var i = 0; i < steps; i++)
        {
            var token = sampler.Sample(index);
            generated.Add(token);
            Assert.Equal(DecodeStatus.Ok, _backend.Decode([new BatchToken(token, prompt.Length + i, 0, WantLogits: true)]));
            index = 0;
        }

        return generated.ToArray();
    }

    private int[] Tokens(string text) => _backend.Tokenizer.Tokenize(text, addSpecial: false, parseSpecial: false);
}
