using LocalLlm.ModelForge.Onnx;
using LocalLlm.ModelForge.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace LocalLlm.ModelForge.Tests.Onnx;

/// <summary>
/// The batch half of the folder contract: each row of a shared <c>[batch, kv_heads, max_length, head_dim]</c> buffer
/// is contiguous, so a sequence can be prefilled alone through a view of its row, and one decode step can then run
/// over all rows, each with its own length given by its attention mask row.
/// </summary>
public sealed class OnnxBatchTests(ForgedModels models) : IClassFixture<ForgedModels>
{
    private const int MaxLength = 48;

    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public void Run_RowViewPrefillsThenBatchedDecode_MatchesSingleSequenceRuns(string architecture)
    {
        var spec = OnnxForgeTests.Spec(architecture);
        var folder = ForgeCache.GetOrCreateOnnx(spec, OnnxPrecision.Fp32, models.CacheDirectory);
        var tokenizer = new ByteLevelBpeTokenizer(ByteLevelBpeVocabulary.Create(
            architecture == TinyModelSpec.Llama ? VocabularyStyle.Llama3 : VocabularyStyle.ChatMl, spec.VocabularySize));
        int[][] prompts =
        [
            [.. tokenizer.Encode("A short one.", addSpecial: true)],
            [.. tokenizer.Encode("A rather longer prompt, with more words in it than the first.", addSpecial: true)],
        ];
        int[] next = [7, 11];

        var expected = prompts.Select((prompt, row) =>
        {
            using var single = new OnnxDecoderSession(folder, spec, OnnxPrecision.Fp32, MaxLength);
            single.Run(prompt);
            return single.Run([next[row]])[0];
        }).ToArray();

        using var session = OnnxDecoderSession.Open(folder);
        var rowElements = spec.HeadCountKv * MaxLength * spec.HeadDim;
        var buffers = Enumerable.Range(0, 2 * spec.BlockCount).Select(_ => new float[2 * rowElements]).ToArray();
        using var whole = new DisposableList(buffers.Select(b => OrtValue.CreateTensorValueFromMemory(b, [2, spec.HeadCountKv, MaxLength, spec.HeadDim])));
        for (var row = 0; row < prompts.Length; row++)
        {
            var offset = row * rowElements;
            using var views = new DisposableList(buffers.Select(b => OrtValue.CreateTensorValueFromMemory(
                OrtMemoryInfo.DefaultInstance, b.AsMemory(offset, rowElements), [1, spec.HeadCountKv, MaxLength, spec.HeadDim])));
            var prompt = prompts[row];
            OnnxDecoderSession.Run(session, spec, half: false, views.Values,
                [.. prompt.Select(t => (long)t)], [.. Enumerable.Repeat(1L, prompt.Length)],
                [.. Enumerable.Range(0, prompt.Length).Select(p => (long)p)], batch: 1);
        }

        // Row r has prompt_r + 1 valid positions, then zeros up to the longest row.
        var width = prompts.Max(p => p.Length) + 1;
        var mask = prompts.SelectMany(p => Enumerable.Range(0, width).Select(i => i <= p.Length ? 1L : 0L)).ToArray();
        var actual = OnnxDecoderSession.Run(session, spec, half: false, whole.Values,
            [.. next.Select(t => (long)t)], mask, [.. prompts.Select(p => (long)p.Length)], batch: 2);

        for (var row = 0; row < prompts.Length; row++)
        {
            var difference = expected[row].Zip(actual[row], (a, b) => MathF.Abs(a - b)).Max();
            Assert.True(difference < 1e-4f, $"Row {row} differs from its single-sequence run by up to {difference}.");
        }
    }

    private sealed class DisposableList(IEnumerable<OrtValue> values) : IDisposable
    {
        public IReadOnlyList<OrtValue> Values { get; } = [.. values];

        public void Dispose()
        {
            foreach (var value in Values)
            {
                value.Dispose();
            }
        }
    }
}
