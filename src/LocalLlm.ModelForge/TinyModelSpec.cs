namespace LocalLlm.ModelForge;

/// <summary>Element type of the forged weight matrices. Norm vectors stay F32, as llama.cpp's converters write them.</summary>
public enum ForgeWeightType
{
    F32,
    F16,
}

/// <summary>How the forge chooses a model's weights.</summary>
public enum ForgeWeights
{
    /// <summary>Every matrix drawn at random: the model runs like a real one, but its text is meaningless.</summary>
    Random,

    /// <summary>
    /// Embeddings and output head fitted to the bigram statistics of the forge's training corpus (see
    /// <see cref="Fitting.FittedWeights"/>); the other matrices stay random with damped residual branches. Its greedy
    /// text follows the corpus's likeliest next tokens, with confident logits as a trained model's.
    /// </summary>
    CorpusBigram,
}

/// <summary>
/// The shape of a forged model. Every property takes part in the file's identity: equal specs produce
/// byte-identical files. <see cref="Architecture"/> is <c>"qwen3"</c> (Qwen3 tensors and hyperparameters, Qwen3
/// tokenizer family and chat template) or <c>"llama"</c> (Llama tensors, Llama 3.1 tokenizer family and template).
/// </summary>
public sealed record TinyModelSpec
{
    public const string Qwen3 = "qwen3";
    public const string Llama = "llama";

    public required string Architecture { get; init; }
    public required int VocabularySize { get; init; }
    public required int EmbeddingLength { get; init; }
    public required int BlockCount { get; init; }
    public required int HeadCount { get; init; }
    public required int HeadCountKv { get; init; }
    public required int HeadDim { get; init; }
    public required int FeedForwardLength { get; init; }

    /// <summary>The trained context length written to the file; runtime contexts may be smaller.</summary>
    public required int ContextLength { get; init; }

    public required float RopeFreqBase { get; init; }
    public required float RmsEps { get; init; }

    /// <summary>When set there is no <c>output.weight</c>; llama.cpp reuses <c>token_embd.weight</c> for the logits.</summary>
    public required bool TiedEmbeddings { get; init; }

    public required ForgeWeightType WeightType { get; init; }

    /// <summary>Random by default; a spec that leaves it so keeps the cache key and bytes it had before the property existed.</summary>
    public ForgeWeights Weights { get; init; } = ForgeWeights.Random;

    public required ulong Seed { get; init; }
    public required string Name { get; init; }

    /// <summary>Qwen3 shaped test model: 2 layers, embedding 64, vocabulary 2048, tied embeddings (as Qwen3-0.6B).</summary>
    public static TinyModelSpec Test { get; } = new()
    {
        Architecture = Qwen3,
        VocabularySize = 2048,
        EmbeddingLength = 64,
        BlockCount = 2,
        HeadCount = 4,
        HeadCountKv = 2,
        HeadDim = 32,
        FeedForwardLength = 128,
        ContextLength = 4096,
        RopeFreqBase = 1_000_000f,
        RmsEps = 1e-6f,
        TiedEmbeddings = true,
        WeightType = ForgeWeightType.F32,
        Seed = 1,
        Name = "LocalLlm Forge Test",
    };

    /// <summary>Llama shaped test model of the same size, untied, with Llama 3.1's tokenizer family (BOS added).</summary>
    public static TinyModelSpec TestLlama { get; } = Test with
    {
        Architecture = Llama,
        HeadDim = 16,
        RopeFreqBase = 500_000f,
        RmsEps = 1e-5f,
        TiedEmbeddings = false,
        Name = "LocalLlm Forge Test Llama",
    };

    /// <summary>
    /// <see cref="Test"/> with corpus-fitted weights, untied: the embeddings hold each token's mix of likely successors,
    /// the output head the directions those mixes are made of.
    /// </summary>
    public static TinyModelSpec TestFitted { get; } = Test with
    {
        TiedEmbeddings = false,
        Weights = ForgeWeights.CorpusBigram,
        Seed = 11,
        Name = "LocalLlm Forge Test Fitted",
    };

    /// <summary><see cref="TestLlama"/> with corpus-fitted weights.</summary>
    public static TinyModelSpec TestLlamaFitted { get; } = TestLlama with
    {
        Weights = ForgeWeights.CorpusBigram,
        Seed = 12,
        Name = "LocalLlm Forge Test Llama Fitted",
    };

    /// <summary>The model the server serves out of the box: Qwen3 shaped, about 5 M parameters.</summary>
    public static TinyModelSpec Demo { get; } = new()
    {
        Architecture = Qwen3,
        VocabularySize = 8192,
        EmbeddingLength = 256,
        BlockCount = 4,
        HeadCount = 8,
        HeadCountKv = 4,
        HeadDim = 32,
        FeedForwardLength = 768,
        ContextLength = 32768,
        RopeFreqBase = 1_000_000f,
        RmsEps = 1e-6f,
        TiedEmbeddings = true,
        WeightType = ForgeWeightType.F32,
        Seed = 2,
        Name = "LocalLlm Forge Demo",
    };

    /// <summary>Qwen3 shaped like a ~100 M parameter model, for throughput measurements.</summary>
    public static TinyModelSpec Bench100M { get; } = new()
    {
        Architecture = Qwen3,
        VocabularySize = 32000,
        EmbeddingLength = 768,
        BlockCount = 12,
        HeadCount = 12,
        HeadCountKv = 4,
        HeadDim = 64,
        FeedForwardLength = 2048,
        ContextLength = 32768,
        RopeFreqBase = 1_000_000f,
        RmsEps = 1e-6f,
        TiedEmbeddings = true,
        WeightType = ForgeWeightType.F32,
        Seed = 3,
        Name = "LocalLlm Forge Bench 100M",
    };

    /// <summary>Number of weights in the file (a tied output matrix counts once).</summary>
    public long ParameterCount => ModelLayout.For(this).Sum(t => t.ElementCount);

    /// <summary>Throws <see cref="ArgumentException"/> describing the first property llama.cpp would reject.</summary>
    public void Validate()
    {
        static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException(message);
            }
        }

        Require(Architecture is Qwen3 or Llama, $"Architecture must be \"{Qwen3}\" or \"{Llama}\", not \"{Architecture}\".");
        var minimum = Tokenization.ByteLevelBpeVocabulary.MinimumSize(
            Architecture == Qwen3 ? Tokenization.VocabularyStyle.ChatMl : Tokenization.VocabularyStyle.Llama3);
        Require(VocabularySize >= minimum, $"VocabularySize must be at least {minimum}.");
        Require(EmbeddingLength > 0 && BlockCount > 0 && FeedForwardLength > 0 && ContextLength > 0, "Sizes must be positive.");
        Require(BlockCount <= 512, "llama.cpp accepts at most 512 layers.");
        Require(HeadCount > 0 && HeadCountKv > 0 && HeadCount % HeadCountKv == 0, "HeadCount must be a positive multiple of HeadCountKv.");
        Require(HeadDim > 0 && HeadDim % 2 == 0, "HeadDim must be positive and even (rotary embeddings rotate pairs).");
        Require(RopeFreqBase > 0 && RmsEps > 0 && float.IsFinite(RopeFreqBase) && float.IsFinite(RmsEps), "RopeFreqBase and RmsEps must be positive.");
        Require(!string.IsNullOrWhiteSpace(Name), "Name must not be empty.");
        Require(Enum.IsDefined(Weights), $"Unknown weights kind {Weights}.");
        Require(Weights == ForgeWeights.Random || !TiedEmbeddings, "Corpus-fitted weights need untied embeddings.");
    }
}
