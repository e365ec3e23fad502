using LocalLlm.Backends.LlamaCpp.Native;
using LocalLlm.Engine.Backend;
using LocalLlm.ModelForge;

namespace LocalLlm.Backends.LlamaCpp.Tests;

public sealed class EmbeddingTests : IDisposable
{
    private const float Tolerance = 1e-4f;
    private const int BatchTokens = 64;

    // Three sequences asked for (two fit 64 tokens evenly) and 64 tokens per decode: the longer tests need several decodes.
    private readonly LlamaEmbeddingModel _embedder = Load(EmbeddingPooling.Mean);

    public void Dispose() => _embedder.Dispose();

    [Fact]
    public async Task EmbedAsync_OneInput_HasModelDimensionAndUnitNorm()
    {
        float[][] vectors = await _embedder.EmbedAsync([Tokens("hello world the thing")], CancellationToken.None);

        Assert.Equal(TinyModelSpec.Test.EmbeddingLength, _embedder.Dimensions);
        float[] vector = Assert.Single(vectors);
        Assert.Equal(TinyModelSpec.Test.EmbeddingLength, vector.Length);
        Assert.Equal(1.0, Norm(vector), 1e-5);
        Assert.Equal(EmbeddingPooling.Mean, _embedder.Pooling);
        Assert.Equal(BatchTokens, _embedder.ContextLength);
    }

    [Fact]
    public async Task EmbedAsync_SameInputTwice_GivesSameVector()
    {
        int[] input = Tokens("the thing is hello");

        float[] first = (await _embedder.EmbedAsync([input], CancellationToken.None))[0];
        float[] second = (await _embedder.EmbedAsync([input], CancellationToken.None))[0];

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task EmbedAsync_BatchOfInputs_EqualsEachEmbeddedAlone()
    {
        // Seven inputs of mixed lengths: more than one decode by sequence count and by token count.
        int[][] inputs =
        [
            Tokens("hello world"),
            Tokens("the thing is"),
            Tokens(string.Join(' ', Enumerable.Repeat("hello world the thing", 5))),
            Tokens("world"),
            Tokens(string.Join(' ', Enumerable.Repeat("thing hello", 8))),
            Tokens("is the world a thing"),
            Tokens("hello"),
        ];
        Assert.True(inputs.Sum(i => i.Length) > BatchTokens, "The inputs should need more than one decode.");

        float[][] batched = await _embedder.EmbedAsync(inputs, CancellationToken.None);

        Assert.Equal(inputs.Length, batched.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            float[] alone = (await _embedder.EmbedAsync([inputs[i]], CancellationToken.None))[0];
            AssertClose(alone, batched[i]);
        }
    }

    [Fact]
    public async Task EmbedAsync_ConcurrentCallers_EachGetTheirOwnVectors()
    {
        string[] texts = ["hello world", "the thing is", "world hello", "is the thing", "thing", "hello the world is"];
        int[][] inputs = texts.Select(Tokens).ToArray();
        var alone = new List<float[]>();
        foreach (int[] input in inputs)
        {
            alone.Add((await _embedder.EmbedAsync([input], CancellationToken.None))[0]);
        }

        float[][][] concurrent = await Task.WhenAll(inputs.Select(input => Task.Run(() => _embedder.EmbedAsync([input, input], CancellationToken.None))));

        for (var i = 0; i < inputs.Length; i++)
        {
            AssertClose(alone[i], concurrent[i][0]);
            AssertClose(alone[i], concurrent[i][1]);
        }
    }

    [Fact]
    public async Task EmbedAsync_DifferentTexts_GiveDifferentVectors()
    {
        float[][] vectors = await _embedder.EmbedAsync([Tokens("hello world"), Tokens("the thing is")], CancellationToken.None);

        Assert.True(Dot(vectors[0], vectors[1]) < 0.999, "Different texts should not embed to the same direction.");
    }

    [Fact]
    public async Task EmbedAsync_MeanPooling_EqualsNormalisedMeanOfTokenEmbeddings()
    {
        int[] input = Tokens("hello world the thing is");
        float[][] perToken = TokenEmbeddings(input);

        float[] expected = new float[perToken[0].Length];
        for (var d = 0; d < expected.Length; d++)
        {
            expected[d] = (float)perToken.Average(t => (double)t[d]);
        }

        LlamaEmbeddingModel.Normalize(expected);
        float[] pooled = (await _embedder.EmbedAsync([input], CancellationToken.None))[0];

        AssertClose(expected, pooled);

        // The last token alone is a different vector, so the comparison above can tell mean from last pooling.
        float[] last = perToken[^1].ToArray();
        LlamaEmbeddingModel.Normalize(last);
        Assert.True(MaxDifference(last, pooled) > 0.01f);
    }

    [Fact]
    public async Task EmbedAsync_LastPooling_EqualsNormalisedLastTokenEmbedding()
    {
        int[] input = Tokens("hello world the thing is");
        float[] expected = TokenEmbeddings(input)[^1];
        LlamaEmbeddingModel.Normalize(expected);
        using LlamaEmbeddingModel lastPooling = Load(EmbeddingPooling.Last);

        float[] pooled = (await lastPooling.EmbedAsync([input], CancellationToken.None))[0];

        Assert.Equal(EmbeddingPooling.Last, lastPooling.Pooling);
        AssertClose(expected, pooled);
    }

    [Fact]
    public async Task EmbedAsync_InputLongerThanContext_ThrowsNamingTheNumbers()
    {
        int[] tooLong = Enumerable.Repeat(Tokens("hello")[0], BatchTokens + 1).ToArray();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _embedder.EmbedAsync([Tokens("hello"), tooLong], CancellationToken.None));

        Assert.Contains($"Input 1 has {BatchTokens + 1} tokens", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {BatchTokens} tokens", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2048)]
    public async Task EmbedAsync_TokenOutsideVocabulary_ThrowsArgumentException(int token)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _embedder.EmbedAsync([[1, token]], CancellationToken.None));

        Assert.Contains($"token {token}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedAsync_EmptyInput_ThrowsArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _embedder.EmbedAsync([[]], CancellationToken.None));
    }

    [Fact]
    public async Task EmbedAsync_CancelledToken_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _embedder.EmbedAsync([Tokens("hello")], cancelled.Token));
    }

    [Theory]
    [InlineData(null, EmbeddingPooling.Mean, EmbeddingPooling.Mean)]
    [InlineData(null, EmbeddingPooling.Last, EmbeddingPooling.Last)]
    [InlineData("0", EmbeddingPooling.Cls, EmbeddingPooling.Cls)]
    [InlineData("2", EmbeddingPooling.Mean, EmbeddingPooling.Cls)]
    [InlineData("3", EmbeddingPooling.Mean, EmbeddingPooling.Last)]
    public void ChoosePooling_FileValueAndRequest_FileWinsWhenItNamesOne(string? file, EmbeddingPooling requested, EmbeddingPooling expected)
    {
        Assert.Equal((LlamaPoolingType)expected, LlamaEmbeddingModel.ChoosePooling(file, requested));
    }

    [Theory]
    [InlineData(3, 64, 2)]
    [InlineData(4, 64, 4)]
    [InlineData(64, 2048, 64)]
    [InlineData(256, 100, 100)]
    [InlineData(7, 30, 6)]
    public void SequencesPerDecode_Request_IsLargestDivisorOfBatchNotAboveIt(int requested, int batchTokens, int expected)
    {
        Assert.Equal(expected, LlamaEmbeddingModel.SequencesPerDecode(requested, batchTokens));
    }

    [Fact]
    public void ChoosePooling_RerankerFile_Throws()
    {
        Assert.Throws<LlamaException>(() => LlamaEmbeddingModel.ChoosePooling("4", EmbeddingPooling.Mean));
    }

    private static LlamaEmbeddingModel Load(EmbeddingPooling pooling) => LlamaEmbeddingModel.Load(new LlamaCppOptions
    {
        ModelPath = TestModel.Path,
        ContextSize = 256,
        BatchSize = BatchTokens,
        MaxSequences = 3,
        Threads = 1,
        Embeddings = true,
        Pooling = pooling,
    });

    private int[] Tokens(string text) => _embedder.Tokenizer.Tokenize(text, addSpecial: true, parseSpecial: false);

    /// <summary>Every token's output embedding, from a context that does not pool (LLAMA_POOLING_TYPE_NONE).</summary>
    private static unsafe float[][] TokenEmbeddings(int[] tokens)
    {
        LlamaLibrary.EnsureLoaded();
        using SafeLlamaModelHandle model = SafeLlamaModelHandle.LoadFromFile(TestModel.Path, LlamaNative.llama_model_default_params());
        LlamaContextParams parameters = LlamaNative.llama_context_default_params();
        parameters.NCtx = 256;
        parameters.NBatch = BatchTokens;
        parameters.NUbatch = BatchTokens;
        parameters.NSeqMax = 1;
        parameters.NThreads = 1;
        parameters.NThreadsBatch = 1;
        parameters.Embeddings = true;
        parameters.PoolingType = LlamaPoolingType.None;
        using SafeLlamaContextHandle context = SafeLlamaContextHandle.Create(model, parameters);
        Assert.Equal(LlamaPoolingType.None, LlamaNative.llama_pooling_type(context));
        using var batch = new LlamaBatchBuffer(BatchTokens);
        BatchToken[] entries = tokens.Select((t, position) => new BatchToken(t, position, 0, WantLogits: true)).ToArray();

        Assert.Equal(0, LlamaNative.llama_decode(context, batch.Fill(entries, TinyModelSpec.Test.VocabularySize, 1)));

        int width = LlamaNative.llama_model_n_embd_out(model);
        var embeddings = new float[tokens.Length][];
        for (var i = 0; i < tokens.Length; i++)
        {
            float* row = LlamaNative.llama_get_embeddings_ith(context, i);
            Assert.True(row is not null, $"No embedding for token {i}.");
            embeddings[i] = new ReadOnlySpan<float>(row, width).ToArray();
        }

        return embeddings;
    }

    private static double Norm(float[] vector) => Math.Sqrt(Dot(vector, vector));

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float difference = MaxDifference(expected, actual);
        Assert.True(difference <= Tolerance, $"Vectors differ by up to {difference}.");
    }
}
