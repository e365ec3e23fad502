using System.Globalization;
using LocalLlm.Engine;
using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Requests;
using LocalLlm.ModelForge;
using LocalLlm.ModelForge.Onnx;
using Xunit.Abstractions;

namespace LocalLlm.Backends.Onnx.Tests;

/// <summary>Greedy generation through <see cref="LlmEngine"/>: the ONNX backend against llama.cpp on the same weights.</summary>
public sealed class EngineParityTests(ITestOutputHelper output)
{
    private const int OutputTokens = 32;

    /// <summary>
    /// The two runtimes' logits differ by a few hundredths (see <see cref="DecodeTests"/>), so greedy paths may part
    /// where the reference's two best tokens are that close; anywhere else a difference is a bug.
    /// </summary>
    private const float Tie = 0.05f;

    private static readonly string[] s_prompts =
    [
        "The keeper of the lighthouse walked along the shore at dawn.",
        "Once upon a time, in a village by the river,",
        "List three colours: red,",
        "def add(a, b):\n    return",
        "日本語のテキストと中文字符",
        "Numbers: 1, 2, 3, 4,",
        "Emoji 🦙🚀 rockets and llamas",
        "The quick brown fox jumps over the lazy dog, then",
    ];

    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public async Task Generate_GreedyFp32AloneAndAmongEight_MatchesLlamaCppUpToTies(string architecture)
    {
        await using var llama = new LlmEngine(TestModels.LoadLlama(architecture, maxSequences: 8, contextSize: 2048), Options());
        await using var onnx = new LlmEngine(TestModels.LoadOnnx(architecture, maxSequences: 8, sequenceLength: 128), Options());
        Assert.False(onnx.PrefixCaching);
        int[][] prompts = [.. s_prompts.Select(p => llama.Backend.Tokenizer.Tokenize(p, true, true))];

        var reference = new List<TokenLogprob>[prompts.Length];
        var alone = new List<TokenLogprob>[prompts.Length];
        for (int i = 0; i < prompts.Length; i++)
        {
            reference[i] = await GenerateAsync(llama, prompts[i], OutputTokens);
            alone[i] = await GenerateAsync(onnx, prompts[i], OutputTokens);
        }

        List<TokenLogprob>[] concurrent = await Task.WhenAll(prompts.Select(p => GenerateAsync(onnx, p, OutputTokens)));

        Assert.True(onnx.Statistics.MaxSequencesInStep >= 4, $"at most {onnx.Statistics.MaxSequencesInStep} sequences shared a step");
        int exactAlone = prompts.Select((_, i) => AssertSameUpToTies(reference[i], alone[i], $"prompt {i} alone")).Count(exact => exact);
        int exactConcurrent = prompts.Select((_, i) => AssertSameUpToTies(reference[i], concurrent[i], $"prompt {i} among eight")).Count(exact => exact);
        output.WriteLine($"{architecture}: {exactAlone}/{prompts.Length} alone and {exactConcurrent}/{prompts.Length} concurrent runs equal llama.cpp's tokens exactly");
        Assert.True(exactAlone >= prompts.Length / 2, $"only {exactAlone} of {prompts.Length} prompts matched exactly");
    }

    [Fact]
    public async Task Generate_Fp16_First16GreedyTokensMatchFp32InNinetyPercentOfPrompts()
    {
        (int matching, int total) = await CompareWithFp32Async(OnnxPrecision.Fp16, margin: null);

        Assert.True(matching >= 0.9 * total, $"FP16: only {matching} of {total} prompts kept FP32's first 16 greedy tokens");
    }

    /// <summary>
    /// The forge's INT8 weights (symmetric 8-bit blocks of 32) move this random-weight model's logits by 0.2 to 0.4
    /// where FP16 moves them by 0.02, while its two best logits are often closer than that: measured, only 3 of 10
    /// prompts keep all 16 FP32 tokens (llama.cpp's Q8_0 keeps F32's in 2 of 10; see <see cref="QuantizationQualityTests"/>).
    /// So the check is that every parting happens where FP32's top-2 margin lies within that error, which a broken
    /// INT8 path (wrong scales, wrong KV type) would not satisfy.
    /// </summary>
    [Fact]
    public async Task Generate_Int8_PartsFromFp32OnlyWithinQuantizationError()
    {
        (int matching, int total) = await CompareWithFp32Async(OnnxPrecision.Int8, margin: 0.5f);

        Assert.True(matching > 0, "INT8 kept FP32's first 16 greedy tokens for no prompt");
    }

    /// <summary>Counts prompts whose first 16 greedy tokens equal FP32's; with a margin, asserts partings happen only at near-ties.</summary>
    private async Task<(int Matching, int Total)> CompareWithFp32Async(OnnxPrecision precision, float? margin)
    {
        IReadOnlyList<string> prompts = FidelityPrompts;
        await using var fp32 = new LlmEngine(TestModels.LoadOnnx(precision: OnnxPrecision.Fp32, maxSequences: 8, sequenceLength: 128), Options());
        await using var reduced = new LlmEngine(TestModels.LoadOnnx(precision: precision, maxSequences: 8, sequenceLength: 128), Options());

        int matching = 0;
        foreach (string prompt in prompts)
        {
            int[] tokens = fp32.Backend.Tokenizer.Tokenize(prompt, true, true);
            List<TokenLogprob> expected = await GenerateAsync(fp32, tokens, FidelityTokens);
            List<TokenLogprob> actual = await GenerateAsync(reduced, tokens, FidelityTokens);
            int parting = FirstParting(expected, actual);
            matching += parting < 0 ? 1 : 0;
            if (parting >= 0 && margin is float allowed)
            {
                float gap = expected[parting].Top[0].Logprob - expected[parting].Top[1].Logprob;
                Assert.True(gap < allowed, $"{precision} left FP32's tokens for '{prompt}' at {parting} where FP32's margin was {gap}");
            }
        }

        output.WriteLine($"{precision}: first 16 greedy tokens equal FP32's in {matching}/{prompts.Count} prompts ({(matching / (double)prompts.Count).ToString("P0", CultureInfo.InvariantCulture)})");
        return (matching, prompts.Count);
    }

    /// <summary>The prompts on which reduced precisions are compared with full precision, in this class and elsewhere.</summary>
    internal static IReadOnlyList<string> FidelityPrompts { get; } = [.. s_prompts, "Water boils at", "My favourite season is"];

    /// <summary>
    /// <see cref="FidelityPrompts"/> plus ten in the shapes of the forge's training corpus (its English passages, JSON,
    /// code and made-up words), where a corpus-fitted model is on familiar ground: twenty prompts, so one prompt is 5 %.
    /// </summary>
    internal static IReadOnlyList<string> CorpusFidelityPrompts { get; } =
    [
        .. FidelityPrompts,
        "When the weather is cold, people",
        "To install the package, download the",
        "You are a helpful assistant. Answer the",
        "She looked at the map again. The road went",
        "I've been told that the old bridge was built",
        "What time is it in Paris? How far is",
        "Numbers matter: 3 apples and 4 pears make",
        "{\"name\": \"",
        "Keengquiol lyndstouthtri, and",
        "The server answers every request with the same",
    ];

    /// <summary>How many greedy tokens a reduced precision must keep for a prompt to count as matching.</summary>
    internal const int FidelityTokens = 16;

    /// <summary>The first position where two greedy paths of equal length differ, or -1 where they are equal.</summary>
    internal static int FirstParting(List<TokenLogprob> expected, List<TokenLogprob> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        return Enumerable.Range(0, expected.Count).FirstOrDefault(t => expected[t].Token != actual[t].Token, -1);
    }

    [Fact]
    public async Task Submit_GrammarRequest_FailsNamingLlamaCppWhileEngineServesOn()
    {
        await using var onnx = new LlmEngine(TestModels.LoadOnnx(maxSequences: 2, sequenceLength: 64), Options());
        int[] prompt = onnx.Backend.Tokenizer.Tokenize("hello there", true, true);
        var request = new GenerationRequest
        {
            RequestId = "grammar",
            PromptTokens = prompt,
            MaxTokens = 4,
            Sampling = new SamplingParams { Temperature = 0, Grammar = "root ::= \"yes\"" },
        };

        GenerationEvent failure = Assert.Single(await onnx.Submit(request).ReadAllAsync().ToListAsync());

        Assert.Equal(FinishReason.Error, failure.Finish);
        Assert.Contains("llama.cpp backend", failure.Error, StringComparison.Ordinal);
        Assert.Equal(4, (await GenerateAsync(onnx, prompt, 4)).Count);
    }

    /// <summary>True when equal; otherwise asserts that the paths part where the reference's two best tokens were a near-tie.</summary>
    private static bool AssertSameUpToTies(List<TokenLogprob> reference, List<TokenLogprob> actual, string what)
    {
        Assert.Equal(reference.Count, actual.Count);
        int divergence = Enumerable.Range(0, reference.Count).FirstOrDefault(t => reference[t].Token != actual[t].Token, -1);
        if (divergence < 0)
        {
            return true;
        }

        IReadOnlyList<(int Token, float Logprob)> top = reference[divergence].Top;
        float gap = top[0].Logprob - top[1].Logprob;
        Assert.True(gap < Tie, $"{what} left llama.cpp's tokens at {divergence} where llama.cpp's margin was {gap}");
        Assert.Equal(top[1].Token, actual[divergence].Token);
        return false;
    }

    internal static EngineOptions Options() => new() { Scheduler = new() { MaxRunningRequests = 8, MaxBatchTokens = 256 } };

    internal static async Task<List<TokenLogprob>> GenerateAsync(LlmEngine engine, int[] prompt, int maxTokens)
    {
        var request = new GenerationRequest
        {
            RequestId = Guid.NewGuid().ToString("N"),
            PromptTokens = prompt,
            MaxTokens = maxTokens,
            IgnoreEos = true,
            TopLogprobs = 2,
            Sampling = SamplingParams.Greedy,
        };
        var tokens = new List<TokenLogprob>();
        await foreach (GenerationEvent update in engine.Submit(request).ReadAllAsync())
        {
            Assert.Null(update.Error);
            if (update.Token >= 0)
            {
                tokens.Add(update.Logprob!);
            }
        }

        return tokens;
    }
}
