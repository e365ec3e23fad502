using CsCheck;
using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Sampling;

namespace LocalLlm.Engine.Tests.Sampling;

public sealed class LogitsSamplerTests
{
    private static readonly Gen<float[]> s_logits = Gen.Float[-8f, 8f].Array[2, 300];

    [Fact]
    public void Choose_Greedy_ReturnsFirstLargestLogit()
    {
        var sampler = Create(SamplingParams.Greedy, 5);

        Assert.Equal(1, sampler.Choose([0.5f, 3f, -1f, 3f, 2.9f]));
    }

    [Fact]
    public void Choose_GreedyOverRandomLogits_EqualsArgMax() =>
        s_logits.Sample(logits =>
        {
            int expected = Array.IndexOf(logits, logits.Max());
            Assert.Equal(expected, Create(SamplingParams.Greedy, logits.Length).Choose(logits));
        });

    [Fact]
    public void Choose_DrawnToken_LiesInTopKSet() =>
        Gen.Select(s_logits, Gen.Int[1, 20], Gen.UInt).Sample((logits, k, seed) =>
        {
            var sampler = Create(new SamplingParams { Temperature = 1.3f, TopK = k, Seed = seed }, logits.Length);
            int token = sampler.Choose(logits);
            int larger = logits.Count(l => l > logits[token]);
            Assert.True(larger < k, $"token {token} has {larger} larger logits with top_k {k}");
        });

    [Fact]
    public void Choose_DrawnToken_LiesInTopPSet() =>
        Gen.Select(s_logits, Gen.Float[0.05f, 0.95f], Gen.UInt).Sample((logits, p, seed) =>
        {
            var sampler = Create(new SamplingParams { Temperature = 0.8f, TopP = p, Seed = seed }, logits.Length);
            int token = sampler.Choose(logits);

            // The mass of every token strictly more likely than the drawn one must stay below p, or the drawn one was cut.
            double max = logits.Max();
            double total = logits.Sum(l => Math.Exp(l - max));
            double before = logits.Where(l => l > logits[token]).Sum(l => Math.Exp(l - max)) / total;
            Assert.True(before < p + 1e-6, $"mass {before} before token {token} reaches top_p {p}");
        });

    [Fact]
    public void Choose_DrawnToken_PassesMinP() =>
        Gen.Select(s_logits, Gen.Float[0.01f, 0.9f], Gen.UInt).Sample((logits, minP, seed) =>
        {
            var sampler = Create(new SamplingParams { Temperature = 1f, MinP = minP, Seed = seed }, logits.Length);
            int token = sampler.Choose(logits);
            double ratio = Math.Exp(logits[token] - logits.Max());
            Assert.True(ratio >= minP - 1e-6, $"token {token} has {ratio} of the top probability with min_p {minP}");
        });

    [Fact]
    public void Choose_SameSeed_ReproducesDrawsAndOtherSeedDiffers()
    {
        float[] flat = new float[1000];
        var sampling = new SamplingParams { Temperature = 1f, Seed = 42 };

        int[] first = Draws(Create(sampling, flat.Length), flat, 32);
        int[] second = Draws(Create(sampling, flat.Length), flat, 32);
        int[] other = Draws(Create(sampling with { Seed = 43 }, flat.Length), flat, 32);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Choose_NoSeed_DrawsFreshSequences()
    {
        float[] flat = new float[1000];
        var sampling = new SamplingParams { Temperature = 1f };

        Assert.NotEqual(Draws(Create(sampling, flat.Length), flat, 32), Draws(Create(sampling, flat.Length), flat, 32));
    }

    [Fact]
    public void Choose_Temperature_DrawsWithSoftmaxFrequencies()
    {
        // Logits 0 and ln 3 at temperature 2 give probabilities 1 : sqrt(3), so the second token wins 63.4 % of draws.
        float[] logits = [0f, MathF.Log(3f)];
        var sampler = Create(new SamplingParams { Temperature = 2f, Seed = 5 }, 2);

        double share = Draws(sampler, logits, 20_000).Count(t => t == 1) / 20_000.0;

        Assert.InRange(share, 0.634 - 0.015, 0.634 + 0.015);
    }

    [Fact]
    public void Sample_RepetitionPenalty_DividesPositiveAndMultipliesNegativeLogits()
    {
        float[] logits = [2f, 1.9f, -1f, -1.05f];
        var sampler = new LogitsSampler(new SamplingParams { Temperature = 0, RepetitionPenalty = 1.1f }, 4, _ => logits);

        Assert.Equal(0, sampler.Sample(0));
        Assert.Equal(1, sampler.Sample(0)); // 2 / 1.1 = 1.82 falls below 1.9
        Assert.Equal(0, sampler.Sample(0)); // both seen once: 1.82 beats 1.9 / 1.1 = 1.73

        float[] negative = [-10f, -10f, -1f, -1.05f];
        var negativeSampler = new LogitsSampler(new SamplingParams { Temperature = 0, RepetitionPenalty = 1.1f }, 4, _ => negative);
        negativeSampler.Accept(2);
        Assert.Equal(3, negativeSampler.Sample(0)); // -1 * 1.1 = -1.1 falls below -1.05
    }

    [Fact]
    public void Accept_FrequencyAndPresencePenalty_SubtractPerCountAndOnce()
    {
        float[] logits = [5f, 3.8f, 0f];
        var sampler = Create(new SamplingParams { Temperature = 0, FrequencyPenalty = 0.5f, PresencePenalty = 0.1f }, 3);

        sampler.Accept(0);
        Assert.Equal(0, sampler.Choose(logits)); // 5 - 0.5 - 0.1 = 4.4
        sampler.Accept(0);
        Assert.Equal(0, sampler.Choose(logits)); // 5 - 1.0 - 0.1 = 3.9
        sampler.Accept(0);
        Assert.Equal(1, sampler.Choose(logits)); // 5 - 1.5 - 0.1 = 3.4
    }

    [Fact]
    public void Accept_PastPenaltyWindow_StopsPenalising()
    {
        float[] logits = [1f, 0.95f, -5f];
        var sampler = new LogitsSampler(new SamplingParams { Temperature = 0, PresencePenalty = 1f }, 3, _ => logits, penaltyLastN: 4);

        sampler.Accept(0);
        Assert.Equal(1, sampler.Choose(logits));
        for (int i = 0; i < 4; i++)
        {
            sampler.Accept(2);
        }

        Assert.Equal(0, sampler.Choose(logits));
    }

    [Fact]
    public void Choose_LogitBias_ForcesAndBansTokens()
    {
        float[] logits = [3f, 2f, -4f];
        var forced = Create(new SamplingParams { Temperature = 0, LogitBias = [new(2, 100f)] }, 3);
        var banned = Create(new SamplingParams { Temperature = 1f, Seed = 1, LogitBias = [new(0, -100f), new(1, -100f)] }, 3);

        Assert.Equal(2, forced.Choose(logits));
        Assert.All(Draws(banned, logits, 50), t => Assert.Equal(2, t));
    }

    [Fact]
    public void Create_Grammar_ThrowsNotSupportedNamingLlamaCpp()
    {
        var error = Assert.Throws<NotSupportedException>(() => Create(new SamplingParams { Grammar = "root ::= \"a\"" }, 3));

        Assert.Contains("llama.cpp backend", error.Message);
        Assert.Contains("GBNF", error.Message);
    }

    [Fact]
    public void Create_LogitBiasOutsideVocabulary_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new SamplingParams { LogitBias = [new(3, 1f)] }, 3));

    [Fact]
    public void Sample_ReadsLogitsOfBatchIndexAndAcceptsChoice()
    {
        float[][] rows = [[0f, 1f, 0f], [0f, 0f, 1f]];
        var sampler = new LogitsSampler(new SamplingParams { Temperature = 0, PresencePenalty = 10f }, 3, index => rows[index]);

        Assert.Equal(2, sampler.Sample(1));
        Assert.Equal(1, sampler.Sample(0));
        Assert.Equal(0, sampler.Sample(1)); // 2 and 1 were accepted, so both are penalised now
    }

    private static LogitsSampler Create(SamplingParams sampling, int vocabularySize) =>
        new(sampling, vocabularySize, _ => throw new InvalidOperationException("tests call Choose"));

    private static int[] Draws(LogitsSampler sampler, float[] logits, int count) =>
        Enumerable.Range(0, count).Select(_ => sampler.Choose(logits)).ToArray();
}
