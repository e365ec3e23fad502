using System.Globalization;
using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine.Backend;
using LocalLlm.ModelForge;

namespace LocalLlm.Backends.Onnx.Tests;

/// <summary>Decode on the ONNX backend against llama.cpp on the same weights, and batched against alone.</summary>
public sealed class DecodeTests
{
    /// <summary>
    /// Measured: up to 0.026 on logits of magnitude up to 8 (about 0.3 %), the same with llama.cpp's float16 or
    /// float32 KV cache, so it comes from the two runtimes' kernels, not from the cache. A wrong rotary pairing, a
    /// misplaced KV write or a wrong mask moves logits by 0.5 and more.
    /// </summary>
    private const float LlamaTolerance = 5e-2f;

    /// <summary>Rows of one run and separate runs use different kernel shapes; float32 rounding stays far below this.</summary>
    private const float BatchTolerance = 1e-4f;

    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public void Decode_PromptThenTokens_LogitsEqualLlamaCpp(string architecture)
    {
        using LlamaCppBackend llama = TestModels.LoadLlama(architecture, maxSequences: 1, contextSize: 256);
        using OnnxBackend onnx = TestModels.LoadOnnx(architecture, maxSequences: 1, sequenceLength: 128);
        int[] tokens = llama.Tokenizer.Tokenize("The keeper of the lighthouse walked along the shore at dawn.", true, true);
        int prompt = tokens.Length - 3;

        float[][] expected = Run(llama, tokens, prompt);
        float[][] actual = Run(onnx, tokens, prompt);

        float[] differences = expected.Zip(actual, MaxDifference).ToArray();
        Assert.True(differences.Max() < LlamaTolerance,
            $"Largest logit difference {differences.Max()}; per step: {string.Join(" ", differences.Select(d => d.ToString("F5", CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void Decode_SeveralSequencesBatched_EqualsEachAlone()
    {
        using OnnxBackend onnx = TestModels.LoadOnnx(maxSequences: 4, sequenceLength: 128);
        int[][] prompts = Enumerable.Range(0, 4)
            .Select(i => onnx.Tokenizer.Tokenize($"Story {i}: the keeper of lighthouse number {i * 37} walked {new string('.', i * 3)}", true, true))
            .ToArray();
        int[][] continuations = Enumerable.Range(0, 4).Select(i => new[] { 100 + i, 200 + i, 300 + i }).ToArray();

        var alone = new List<float[]>[4];
        for (int s = 0; s < 4; s++)
        {
            onnx.RemoveTokens(0, 0, -1);
            alone[s] = [.. Run(onnx, [.. prompts[s], .. continuations[s]], prompts[s].Length)];
        }

        for (int s = 0; s < 4; s++)
        {
            onnx.RemoveTokens(s, 0, -1);
        }

        // One batch with every prompt (prefill runs), then steps where all four decode, then steps where only
        // sequences 1 and 3 decode (rows 0 and 2 get dummies) while 0 and 2 catch up afterwards.
        var batched = Enumerable.Range(0, 4).Select(_ => new List<float[]>()).ToArray();
        var batch = new List<BatchToken>();
        for (int s = 0; s < 4; s++)
        {
            batch.AddRange(prompts[s].Select((t, p) => new BatchToken(t, p, s, p == prompts[s].Length - 1)));
        }

        DecodeAndCollect(onnx, batch, batched);
        DecodeAndCollect(onnx, [.. Enumerable.Range(0, 4).Select(s => Step(prompts, continuations, s, 0))], batched);
        DecodeAndCollect(onnx, [Step(prompts, continuations, 3, 1), Step(prompts, continuations, 1, 1)], batched);
        DecodeAndCollect(onnx, [Step(prompts, continuations, 3, 2), Step(prompts, continuations, 1, 2)], batched);
        DecodeAndCollect(onnx, [Step(prompts, continuations, 0, 1), Step(prompts, continuations, 2, 1)], batched);
        DecodeAndCollect(onnx, [Step(prompts, continuations, 0, 2), Step(prompts, continuations, 2, 2)], batched);

        for (int s = 0; s < 4; s++)
        {
            Assert.Equal(alone[s].Count, batched[s].Count);
            float largest = alone[s].Zip(batched[s], MaxDifference).Max();
            Assert.True(largest < BatchTolerance, $"sequence {s}: largest logit difference {largest}");
            Assert.Equal(prompts[s].Length + 3, onnx.SequenceLengthOf(s));
        }
    }

    [Fact]
    public void Decode_PositionNotContinuingRow_Throws()
    {
        using OnnxBackend onnx = TestModels.LoadOnnx(maxSequences: 2, sequenceLength: 32);
        Assert.Equal(DecodeStatus.Ok, onnx.Decode([new BatchToken(5, 0, 1, true), new BatchToken(6, 1, 1, true)]));

        var error = Assert.Throws<ArgumentException>(() => onnx.Decode([new BatchToken(7, 3, 1, true)]));

        Assert.Contains("must continue at 2", error.Message);
        Assert.Equal(2, onnx.SequenceLengthOf(1));
    }

    [Fact]
    public void Decode_SequenceSplitOrUnknown_ThrowsWithoutRunning()
    {
        using OnnxBackend onnx = TestModels.LoadOnnx(maxSequences: 2, sequenceLength: 32);

        var split = Assert.Throws<ArgumentException>(() => onnx.Decode([new BatchToken(5, 0, 0, true), new BatchToken(6, 0, 1, true), new BatchToken(7, 1, 0, true)]));
        var unknown = Assert.Throws<ArgumentException>(() => onnx.Decode([new BatchToken(5, 0, 2, true)]));

        Assert.Contains("not adjacent", split.Message);
        Assert.Contains("sequence ids are in [0, 2)", unknown.Message);
        Assert.Equal(0, onnx.SequenceLengthOf(0));
    }

    [Fact]
    public void Decode_PastRowCapacity_ReturnsNoKvSlotAndKeepsRow()
    {
        using OnnxBackend onnx = TestModels.LoadOnnx(maxSequences: 2, sequenceLength: 8);
        BatchToken[] seven = [.. Enumerable.Range(0, 7).Select(p => new BatchToken(10 + p, p, 0, p == 6))];
        Assert.Equal(DecodeStatus.Ok, onnx.Decode(seven));

        Assert.Equal(DecodeStatus.NoKvSlot, onnx.Decode([new BatchToken(1, 7, 0, true), new BatchToken(2, 8, 0, true)]));
        Assert.Equal(7, onnx.SequenceLengthOf(0));
        Assert.Equal(DecodeStatus.Ok, onnx.Decode([new BatchToken(1, 7, 0, true), new BatchToken(3, 0, 1, true)]));
        Assert.Equal(8, onnx.SequenceLengthOf(0));

        // Row 0 is full; row 1 decoding puts a dummy at row 0's scratch position, which must not disturb anything.
        Assert.Equal(DecodeStatus.Ok, onnx.Decode([new BatchToken(4, 1, 1, true)]));
        Assert.Equal(DecodeStatus.NoKvSlot, onnx.Decode([new BatchToken(1, 8, 0, true)]));
    }

    [Fact]
    public void RemoveTokens_OpenEnd_TruncatesAndRedecodingGivesSameLogits()
    {
        using OnnxBackend onnx = TestModels.LoadOnnx(maxSequences: 1, sequenceLength: 64);
        int[] tokens = onnx.Tokenizer.Tokenize("Truncate me and decode the tail again", true, true);
        float[][] first = Run(onnx, tokens, tokens.Length - 2);

        onnx.RemoveTokens(0, tokens.Length - 2, -1);
        Assert.Equal(tokens.Length - 2, onnx.SequenceLengthOf(0));
        Assert.Equal(DecodeStatus.Ok, onnx.Decode([new BatchToken(tokens[^2], tokens.Length - 2, 0, true)]));
        float[] again = onnx.GetLogits(0).ToArray();

        Assert.True(MaxDifference(first[1], again) < BatchTolerance);
        Assert.Throws<NotSupportedException>(() => onnx.RemoveTokens(0, 0, 2));
    }

    [Fact]
    public void CopyTokens_RowPrefix_ContinuesLikeSource()
    {
        using OnnxBackend onnx = TestModels.LoadOnnx(maxSequences: 2, sequenceLength: 64);
        int[] tokens = onnx.Tokenizer.Tokenize("A shared beginning, then one more token", true, true);
        float[][] source = Run(onnx, tokens, tokens.Length - 1);

        onnx.CopyTokens(0, 1, 0, tokens.Length - 1);
        Assert.Equal(tokens.Length - 1, onnx.SequenceLengthOf(1));
        Assert.Equal(DecodeStatus.Ok, onnx.Decode([new BatchToken(tokens[^1], tokens.Length - 1, 1, true)]));

        Assert.True(MaxDifference(source[^1], onnx.GetLogits(0).ToArray()) < BatchTolerance);
        Assert.False(onnx.Info.SupportsPrefixSharing);
    }

    [Fact]
    public void GetLogits_IndexWithoutLogits_Throws()
    {
        using OnnxBackend onnx = TestModels.LoadOnnx(maxSequences: 1, sequenceLength: 16);
        Assert.Equal(DecodeStatus.Ok, onnx.Decode([new BatchToken(5, 0, 0, false), new BatchToken(6, 1, 0, true)]));

        Assert.Equal(onnx.Info.VocabularySize, onnx.GetLogits(1).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => onnx.GetLogits(0));
    }

    /// <summary>The prompt's first <paramref name="prompt"/> tokens in one batch, then the rest one per step; logits of each step's last token.</summary>
    internal static float[][] Run(IModelBackend backend, int[] tokens, int prompt)
    {
        var logits = new List<float[]>();
        Assert.Equal(DecodeStatus.Ok, backend.Decode([.. tokens[..prompt].Select((t, p) => new BatchToken(t, p, 0, p == prompt - 1))]));
        logits.Add(backend.GetLogits(prompt - 1).ToArray());
        for (int p = prompt; p < tokens.Length; p++)
        {
            Assert.Equal(DecodeStatus.Ok, backend.Decode([new BatchToken(tokens[p], p, 0, true)]));
            logits.Add(backend.GetLogits(0).ToArray());
        }

        return [.. logits];
    }

    internal static float MaxDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b, (x, y) => MathF.Abs(x - y)).Max();
    }

    private static BatchToken Step(int[][] prompts, int[][] continuations, int sequence, int step) =>
        new(continuations[sequence][step], prompts[sequence].Length + step, sequence, true);

    private static void DecodeAndCollect(OnnxBackend onnx, List<BatchToken> batch, List<float[]>[] into)
    {
        Assert.Equal(DecodeStatus.Ok, onnx.Decode(batch.ToArray()));
        for (int i = 0; i < batch.Count; i++)
        {
            if (batch[i].WantLogits)
            {
                into[batch[i].SequenceId].Add(onnx.GetLogits(i).ToArray());
            }
        }
    }
}
