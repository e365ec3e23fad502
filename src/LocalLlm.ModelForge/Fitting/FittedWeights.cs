using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using LocalLlm.ModelForge.Tokenization;

namespace LocalLlm.ModelForge.Fitting;

/// <summary>
/// The embedding and output matrices of a <see cref="ForgeWeights.CorpusBigram"/> model: the bigram model of the
/// forge's training corpus (<see cref="BigramDistribution"/>) realised in transformer weights. With the residual
/// branches damped (see <see cref="ModelLayout"/>) the final hidden state is essentially the current token's
/// embedding e(t), and the logits are <c>g · e(t)/rms(e(t)) · Wᵀ</c>.
/// <list type="bullet">
/// <item>Each output row w(s) is a random unit vector. In d dimensions such vectors are nearly orthogonal (w(s)·w(u)
/// has standard deviation 1/√d), so a mixture Σ q(s) w(s) scores every token s by q(s) plus a crosstalk of standard
/// deviation about ‖q‖/√d. Where a corpus row is flat, that crosstalk decides among its weak candidates: this is
/// where a 64-wide test model's bigram table is imperfect, and where its greedy paths meet near-ties.</item>
/// <item>e(t) = Σ q(s | t) w(s) with q(· | t) ∝ P(· | t)², the corpus distribution sharpened to temperature ½.
/// Measured on the test presets, the weights' argmax is the corpus's at 84-85 % of corpus positions (61-63 % with
/// q = P, where crosstalk swamps the flatter rows). A low-rank least-squares fit of the centred log P (e = Q, W = B
/// from a randomized range finder) cannot do this job: its argmax matched at only 25-27 % of corpus positions at
/// rank 63 and about 50 % at rank 200, because a bigram matrix whose rows each favour a different successor has
/// nearly full rank, while an argmax tolerates the crosstalk of d-dimensional near-orthogonal vectors.</item>
/// <item>The final RMS norm divides each row by its length, which would give every token the same logit spread. So
/// every embedding row is padded to the same length √d (unit RMS) along one direction p that every w(s) is
/// orthogonal to: the norm then divides by a constant, and a peaked q gives a top logit several units above the
/// rest while a flat one gives flat logits.</item>
/// <item>The output rows carry the scale: logit(s) = <see cref="LogitScale"/> · (q(s) + crosstalk).</item>
/// </list>
/// The weights are computed once per spec and process, in a fixed order of exact operations: equal specs give equal bits.
/// </summary>
internal sealed class FittedWeights
{
    /// <summary>
    /// Version of the fit (corpus statistics, construction, constants, residual gain). Part of a fitted spec's cache
    /// key; bump it with any change to the fitted weights' bits.
    /// </summary>
    public const int Version = 1;

    public const string EmbeddingTensor = "token_embd.weight";
    public const string OutputTensor = "output.weight";

    /// <summary>Weight of the unigram prior in the smoothed bigram estimate, in pseudo-counts.</summary>
    private const double PriorStrength = 1;

    /// <summary>The logit of a token the mixture gives all its weight; a trained model's confident top logit leads by several units.</summary>
    private const double LogitScale = 10;

    /// <summary>Mixture weights below this fraction of the largest add less than the crosstalk; skipping them keeps the fit fast.</summary>
    private const double NegligibleWeight = 1e-6;

    private static readonly ConcurrentDictionary<TinyModelSpec, Lazy<FittedWeights>> Cache = new();

    private FittedWeights(BigramDistribution distribution, float[] embedding, float[] output)
    {
        Distribution = distribution;
        Embedding = embedding;
        Output = output;
    }

    /// <summary>The corpus statistics the weights reproduce.</summary>
    public BigramDistribution Distribution { get; }

    /// <summary><c>token_embd.weight</c> in ggml element order: row t holds token t's d values.</summary>
    public float[] Embedding { get; }

    /// <summary><c>output.weight</c> in ggml element order: row s holds the d weights of token s's logit.</summary>
    public float[] Output { get; }

    public static FittedWeights For(TinyModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Weights != ForgeWeights.CorpusBigram)
        {
            throw new ArgumentException($"{spec.Name} has {spec.Weights} weights, not corpus-fitted ones.", nameof(spec));
        }

        return Cache.GetOrAdd(spec, s => new Lazy<FittedWeights>(() => Fit(s))).Value;
    }

    /// <summary>The fitted values of <paramref name="tensorName"/>, if it is one of the fitted tensors.</summary>
    public bool TryGet(string tensorName, [NotNullWhen(true)] out float[]? values)
    {
        values = tensorName switch
        {
            EmbeddingTensor => Embedding,
            OutputTensor => Output,
            _ => null,
        };
        return values is not null;
    }

    /// <summary>Computes the weights without the per-process cache.</summary>
    internal static FittedWeights Fit(TinyModelSpec spec)
    {
        var style = spec.Architecture == TinyModelSpec.Qwen3 ? VocabularyStyle.ChatMl : VocabularyStyle.Llama3;
        int vocabularySize = spec.VocabularySize, d = spec.EmbeddingLength;
        var vocabulary = ByteLevelBpeVocabulary.Create(style, vocabularySize);
        var tokens = new ByteLevelBpeTokenizer(vocabulary).Encode(ByteLevelBpeVocabulary.TrainingCorpus(style, vocabularySize));
        var distribution = new BigramDistribution(BigramCounts.Count(tokens, vocabularySize), PriorStrength);

        var random = DeterministicRandom.ForStream(spec.Seed, "fit.directions");
        var padding = UnitVector(GaussianVector(random, d));
        var directions = new double[vocabularySize][];
        for (var s = 0; s < vocabularySize; s++)
        {
            var w = GaussianVector(random, d);
            Subtract(w, padding, Vectors.Dot(w, padding));
            directions[s] = UnitVector(w);
        }

        var length = Math.Sqrt(d);
        var outputScale = LogitScale / (length * OutputNormGain(spec));
        var embedding = new float[(long)vocabularySize * d];
        var output = new float[(long)vocabularySize * d];
        for (var t = 0; t < vocabularySize; t++)
        {
            var mixture = Mixture(distribution.Row(t), directions, d);
            for (var k = 0; k < d; k++)
            {
                mixture[k] *= length;
            }

            // The mixture of unit vectors is at most 1 long, so the padding is real.
            Subtract(mixture, padding, -Math.Sqrt(Math.Max(0, d - Vectors.Dot(mixture, mixture))));
            for (var k = 0; k < d; k++)
            {
                embedding[t * d + k] = (float)mixture[k];
                output[t * d + k] = (float)(directions[t][k] * outputScale);
            }
        }

        return new FittedWeights(distribution, embedding, output);
    }

    /// <summary>Σ q(s) w(s), q ∝ P².</summary>
    private static double[] Mixture(double[] probabilities, double[][] directions, int d)
    {
        var max = 0.0;
        foreach (var p in probabilities)
        {
            max = Math.Max(max, p);
        }

        var weights = Array.ConvertAll(probabilities, p => p / max * (p / max));
        var total = Vectors.Sum(weights);
        var mixture = new double[d];
        for (var s = 0; s < weights.Length; s++)
        {
            if (weights[s] >= NegligibleWeight)
            {
                Subtract(mixture, directions[s], -weights[s] / total);
            }
        }

        return mixture;
    }

    private static float OutputNormGain(TinyModelSpec spec) => ModelLayout.For(spec).Single(t => t.Name == "output_norm.weight").Scale;

    private static double[] GaussianVector(DeterministicRandom random, int d)
    {
        var vector = new double[d];
        for (var i = 0; i < d; i++)
        {
            vector[i] = random.NextGaussianLike();
        }

        return vector;
    }

    private static double[] UnitVector(double[] vector)
    {
        var norm = Math.Sqrt(Vectors.Dot(vector, vector));
        return Array.ConvertAll(vector, x => x / norm);
    }

    /// <summary>vector -= factor · direction.</summary>
    private static void Subtract(double[] vector, double[] direction, double factor)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] -= factor * direction[i];
        }
    }
}
