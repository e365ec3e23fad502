using System.Globalization;
using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine;
using LocalLlm.Engine.Backend;
using LocalLlm.ModelForge;
using LocalLlm.ModelForge.Onnx;
using Xunit.Abstractions;

namespace LocalLlm.Backends.Onnx.Tests;

/// <summary>
/// The forge's ONNX INT8 model against llama.cpp's own 8-bit quantization (Q8_0), each measured against its runtime's
/// full-precision twin of the same weights: greedy paths kept and logits moved. Measured on the Qwen3 (Llama) test
/// model: Q8_0 keeps F32's first 16 tokens in 2 (4) of 10 prompts and moves logits by up to 0.71 (0.68); INT8 keeps
/// FP32's in 3 (5) of 10 and moves logits by up to 0.39 (0.34). So the low match rate comes from this random-weight
/// model's near-ties, not from the INT8 graph: INT8's logits equal, bit for bit, a float32 <c>MatMul</c> on the
/// dequantized weights (ORT dequantizes 8-bit blocks and keeps activations float32 at accuracy level 0), so all of
/// its error is weight rounding, which Q8_0 shares and adds 8-bit activations and an 8-bit output head to.
/// </summary>
public sealed class QuantizationQualityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public async Task Int8_AgainstFp32_TracksItAtLeastAsCloselyAsLlamaCppQ8_0(string architecture)
    {
        Fidelity q8 = await MeasureAsync(() => LoadLlama(architecture, ForgeQuantization.None), () => LoadLlama(architecture, ForgeQuantization.Q8_0));
        Fidelity int8 = await MeasureAsync(
            () => TestModels.LoadOnnx(architecture, OnnxPrecision.Fp32), () => TestModels.LoadOnnx(architecture, OnnxPrecision.Int8));

        output.WriteLine($"{architecture} llama.cpp Q8_0 vs F32: {q8}");
        output.WriteLine($"{architecture} ONNX INT8 vs FP32:     {int8}");
        Assert.True(int8.Matching >= q8.Matching - 1, $"INT8 kept FP32's tokens in {int8.Matching} prompts, Q8_0 kept F32's in {q8.Matching}");
        Assert.True(int8.MaxDeviation <= 1.5f * q8.MaxDeviation, $"INT8 moved logits by {int8.MaxDeviation}, Q8_0 by {q8.MaxDeviation}");
    }

    private static LlamaCppBackend LoadLlama(string architecture, ForgeQuantization quantization) => LlamaCppBackend.Load(new LlamaCppOptions
    {
        ModelPath = ForgeCache.GetOrCreate(TestModels.Spec(architecture), quantization),
        ContextSize = 256,
        MaxSequences = 1,
        BatchSize = 256,
        Threads = 1,
        FullPrecisionKvCache = true,
    });

    /// <summary>Greedy paths through <see cref="LlmEngine"/>, then logits at the first generated position per prompt.</summary>
    private static async Task<Fidelity> MeasureAsync(Func<IModelBackend> loadReference, Func<IModelBackend> loadReduced)
    {
        IReadOnlyList<string> prompts = EngineParityTests.FidelityPrompts;
        var deviations = new float[prompts.Count];
        using (IModelBackend reference = loadReference())
        using (IModelBackend reduced = loadReduced())
        {
            for (int i = 0; i < prompts.Count; i++)
            {
                int[] tokens = reference.Tokenizer.Tokenize(prompts[i], true, true);
                deviations[i] = DecodeTests.MaxDifference(PromptLogits(reference, tokens), PromptLogits(reduced, tokens));
            }
        }

        int matching = 0;
        await using (var reference = new LlmEngine(loadReference(), EngineParityTests.Options()))
        await using (var reduced = new LlmEngine(loadReduced(), EngineParityTests.Options()))
        {
            foreach (string prompt in prompts)
            {
                int[] tokens = reference.Backend.Tokenizer.Tokenize(prompt, true, true);
                var expected = await EngineParityTests.GenerateAsync(reference, tokens, EngineParityTests.FidelityTokens);
                var actual = await EngineParityTests.GenerateAsync(reduced, tokens, EngineParityTests.FidelityTokens);
                matching += EngineParityTests.FirstParting(expected, actual) < 0 ? 1 : 0;
            }
        }

        return new Fidelity(matching, prompts.Count, deviations);
    }

    /// <summary>The logits after the whole prompt, decoded into an emptied sequence 0.</summary>
    private static float[] PromptLogits(IModelBackend backend, int[] tokens)
    {
        backend.RemoveTokens(0, 0, -1);
        return DecodeTests.Run(backend, tokens, tokens.Length)[0];
    }

    private sealed record Fidelity(int Matching, int Total, float[] Deviations)
    {
        public float MaxDeviation => Deviations.Max();

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"first {EngineParityTests.FidelityTokens} greedy tokens equal in {Matching}/{Total} prompts; max |Δlogit| at the first generated position {MaxDeviation:F3} (mean over prompts {Deviations.Average():F3})");
    }
}
