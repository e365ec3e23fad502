using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.LlamaCpp.Tests;

public sealed class AttentionOptionsTests
{
    /// <summary>
    /// Far below the ~1e-3 that flash attention with a float16 cache shows on the CPU between the same sequence's
    /// runs with its cells in different places, and far above float32 summation-order noise (~1e-6).
    /// </summary>
    private const float ReproducibleTolerance = 1e-4f;

    [Fact]
    public void Decode_FlashAttentionOffAndF32Cache_LogitsDoNotDependOnWhereTheCellsSit()
    {
        using LlamaCppBackend backend = Load(FlashAttention.Off, KvCacheType.F32, KvCacheType.F32);
        int[] prompt = Tokens(backend, "the thing hello world the thing hello world the thing");

        List<float[]> alone = Generate(backend, prompt, steps: 12);

        // Another sequence takes the first cells, the prompt goes after it, and once the other sequence is gone the
        // generated tokens land in the cells before the prompt: the cells are no longer in position order.
        backend.ClearMemory();
        int[] filler = Enumerable.Range(0, 40).Select(i => prompt[i % prompt.Length]).ToArray();
        Assert.Equal(DecodeStatus.Ok, backend.Decode(DecodeTests.Prompt(filler, sequence: 1, lastLogits: false)));
        List<float[]> moved = Generate(backend, prompt, steps: 12, beforeSteps: () => backend.RemoveTokens(1, 0, -1));

        for (int step = 0; step < alone.Count; step++)
        {
            float difference = alone[step].Zip(moved[step], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(difference <= ReproducibleTolerance, $"Step {step}: logits differ by up to {difference}.");
        }
    }

    [Fact]
    public void Load_QuantizedValueCacheWithFlashAttentionOff_ThrowsNamingFlashAttention()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Load(FlashAttention.Off, KvCacheType.F16, KvCacheType.Q8_0));

        Assert.Contains("flash attention", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_QuantizedCacheWithFlashAttentionOn_LogitsMoveALittleFromF16()
    {
        using LlamaCppBackend quantized = Load(FlashAttention.On, KvCacheType.Q8_0, KvCacheType.Q8_0);
        using LlamaCppBackend reference = Load(FlashAttention.On, KvCacheType.F16, KvCacheType.F16);
        int[] prompt = Tokens(reference, "hello world the thing");

        float[] expected = Generate(reference, prompt, steps: 1)[0];
        float[] actual = Generate(quantized, prompt, steps: 1)[0];

        // Moved at all: the cache type reached llama.cpp. A little: 8-bit blocks keep the attention close.
        float difference = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        float spread = expected.Max() - expected.Min();
        Assert.InRange(difference, 1e-6f, 0.05f * spread);
    }

    [Theory]
    [InlineData("auto", FlashAttention.Auto)]
    [InlineData("ON", FlashAttention.On)]
    [InlineData("off", FlashAttention.Off)]
    [InlineData("false", FlashAttention.Off)]
    public void TryParse_FlashAttentionNames_Parse(string text, FlashAttention expected)
    {
        Assert.True(AttentionOptionsExtensions.TryParse(text, out FlashAttention mode));
        Assert.Equal(expected, mode);
    }

    [Theory]
    [InlineData("f32", KvCacheType.F32)]
    [InlineData("F16", KvCacheType.F16)]
    [InlineData("bf16", KvCacheType.BF16)]
    [InlineData("q8_0", KvCacheType.Q8_0)]
    [InlineData("q4_0", KvCacheType.Q4_0)]
    public void TryParse_CacheTypeNames_Parse(string text, KvCacheType expected)
    {
        Assert.True(AttentionOptionsExtensions.TryParse(text, out KvCacheType type));
        Assert.Equal(expected, type);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("q4_k")]
    [InlineData("yes please")]
    public void TryParse_UnknownNames_Fail(string? text)
    {
        Assert.False(AttentionOptionsExtensions.TryParse(text, out KvCacheType _));
        Assert.False(AttentionOptionsExtensions.TryParse(text, out FlashAttention _));
    }

    private static LlamaCppBackend Load(FlashAttention flashAttention, KvCacheType keys, KvCacheType values)
        => LlamaCppBackend.Load(new LlamaCppOptions
        {
            ModelPath = TestModel.Path,
            ContextSize = 512,
            MaxSequences = 4,
            BatchSize = 64,
            Threads = 1,
            FlashAttention = flashAttention,
            CacheTypeK = keys,
            CacheTypeV = values,
        });

    /// <summary>Greedy steps of sequence 0 after its prompt; the logits of the prompt's last token and of each step.</summary>
    private static List<float[]> Generate(LlamaCppBackend backend, int[] prompt, int steps, Action? beforeSteps = null)
    {
        Assert.Equal(DecodeStatus.Ok, backend.Decode(DecodeTests.Prompt(prompt, sequence: 0)));
        List<float[]> logits = [backend.GetLogits(prompt.Length - 1).ToArray()];
        beforeSteps?.Invoke();
        for (int position = prompt.Length; logits.Count <= steps; position++)
        {
            float[] last = logits[^1];
            int next = Array.IndexOf(last, last.Max());
            Assert.Equal(DecodeStatus.Ok, backend.Decode([new BatchToken(next, position, 0, WantLogits: true)]));
            logits.Add(backend.GetLogits(0).ToArray());
        }

        return logits;
    }

    private static int[] Tokens(LlamaCppBackend backend, string text) => backend.Tokenizer.Tokenize(text, addSpecial: false, parseSpecial: false);
}
