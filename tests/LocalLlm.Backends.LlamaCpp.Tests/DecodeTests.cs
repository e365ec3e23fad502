using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.LlamaCpp.Tests;

public sealed class DecodeTests : IDisposable
{
    private const float Tolerance = 1e-3f;

    private readonly LlamaCppBackend _backend = TestModel.Load();

    public void Dispose() => _backend.Dispose();

    [Fact]
    public void Info_TinyModel_ReportsModelAndContext()
    {
        var info = _backend.Info;

        Assert.Equal("qwen3", info.Architecture);
        Assert.Equal(512, info.ContextSize);
        Assert.Equal(4, info.MaxSequences);
        Assert.Equal(64, info.MaxBatchTokens);
        Assert.True(info.VocabularySize > 256);
        Assert.True(info.TrainContextLength > 0);
        Assert.True(info.ParameterCount > 0);
        Assert.True(info.SizeBytes > 0);
        Assert.Contains("<|im_start|>", info.ChatTemplate, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(info.Description));
    }

    [Fact]
    public void Decode_TwoSequencesInOneBatch_MatchesDecodingEachAlone()
    {
        var a = Tokens("hello world the");
        var b = Tokens("the thing hello");

        var batch = Prompt(a, sequence: 0).Concat(Prompt(b, sequence: 1)).ToArray();
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(batch));
        var batchedA = _backend.GetLogits(a.Length - 1).ToArray();
        var batchedB = _backend.GetLogits(batch.Length - 1).ToArray();

        _backend.ClearMemory();
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(Prompt(a, sequence: 0)));
        var aloneA = _backend.GetLogits(a.Length - 1).ToArray();
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(Prompt(b, sequence: 1)));
        var aloneB = _backend.GetLogits(b.Length - 1).ToArray();

        AssertClose(aloneA, batchedA);
        AssertClose(aloneB, batchedB);
        Assert.True(MaxDifference(batchedA, batchedB) > 0.01f, "Different prompts should give different logits.");
    }

    [Fact]
    public void CopyTokens_SharedPrefix_GivesSameLogitsAsOwnPrefix()
    {
        var prefix = Tokens("hello world the thing");
        var next = Tokens(" hello")[0];

        Assert.Equal(DecodeStatus.Ok, _backend.Decode(Prompt(prefix, sequence: 0, lastLogits: false)));
        _backend.CopyTokens(source: 0, target: 1, fromPos: 0, toPos: -1);
        Assert.Equal(prefix.Length - 1, _backend.SequenceMaxPosition(1));

        // Sequence 2 computes the same prefix itself, as the reference.
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(Prompt(prefix, sequence: 2, lastLogits: false)));
        BatchToken[] step =
        [
            new(next, prefix.Length, 0, WantLogits: true),
            new(next, prefix.Length, 1, WantLogits: true),
            new(next, prefix.Length, 2, WantLogits: true),
        ];
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(step));

        var own = _backend.GetLogits(0).ToArray();
        AssertClose(own, _backend.GetLogits(1).ToArray());
        AssertClose(own, _backend.GetLogits(2).ToArray());
    }

    [Fact]
    public void RemoveTokens_TailOfSequence_ShortensItAndLeavesOthers()
    {
        var prompt = Tokens("hello world the thing");
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(Prompt(prompt, sequence: 0)));
        _backend.CopyTokens(0, 1, 0, -1);

        _backend.RemoveTokens(sequenceId: 0, fromPos: 2, toPos: -1);

        Assert.Equal(1, _backend.SequenceMaxPosition(0));
        Assert.Equal(prompt.Length - 1, _backend.SequenceMaxPosition(1));
        _backend.RemoveTokens(1, 0, -1);
        Assert.Equal(-1, _backend.SequenceMaxPosition(1));
    }

    [Fact]
    public void Decode_FullKvCache_ReturnsNoKvSlotAndKeepsState()
    {
        using var backend = TestModel.Load(contextSize: 256, maxSequences: 1, batchSize: 256);
        var filler = Enumerable.Range(0, 256).Select(i => new BatchToken(i % 200, i, 0, WantLogits: i == 255)).ToArray();
        Assert.Equal(DecodeStatus.Ok, backend.Decode(filler));

        var status = backend.Decode([new BatchToken(1, 256, 0, WantLogits: true)]);

        Assert.Equal(DecodeStatus.NoKvSlot, status);
        Assert.Equal(255, backend.SequenceMaxPosition(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.GetLogits(0).ToArray());
    }

    [Fact]
    public void Decode_InvalidInput_ThrowsBeforeCallingNative()
    {
        var tooMany = Enumerable.Range(0, _backend.Info.MaxBatchTokens + 1).Select(i => new BatchToken(1, i, 0, false)).ToArray();

        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Decode(tooMany));
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Decode(ReadOnlySpan<BatchToken>.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Decode([new BatchToken(_backend.Info.VocabularySize, 0, 0, true)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Decode([new BatchToken(1, 0, _backend.Info.MaxSequences, true)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.CopyTokens(0, _backend.Info.MaxSequences, 0, -1));
    }

    [Fact]
    public void Dispose_Twice_IsHarmlessAndLaterCallsThrow()
    {
        var backend = TestModel.Load();
        backend.Dispose();
        backend.Dispose();

        Assert.Throws<ObjectDisposedException>(() => backend.Decode([new BatchToken(1, 0, 0, true)]));
        Assert.Throws<ObjectDisposedException>(() => backend.CreateSampler(SamplingParams.Greedy));
    }

    internal static BatchToken[] Prompt(int[] tokens, int sequence, bool lastLogits = true)
        => tokens.Select((t, i) => new BatchToken(t, i, sequence, WantLogits: lastLogits && i == tokens.Length - 1)).ToArray();

    internal static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var difference = MaxDifference(expected, actual);
        Assert.True(difference <= Tolerance, $"Logits differ by up to {difference}.");
    }

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private int[] Tokens(string text) => _backend.Tokenizer.Tokenize(text, addSpecial: false, parseSpecial: false);
}
