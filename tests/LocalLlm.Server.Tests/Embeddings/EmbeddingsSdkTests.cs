using System.ClientModel;
using OpenAI.Embeddings;

namespace LocalLlm.Server.Tests.Embeddings;

/// <summary>/v1/embeddings through the official OpenAI .NET SDK, which asks for base64 unless told otherwise.</summary>
[Collection(EmbeddingServerCollection.Name)]
public sealed class EmbeddingsSdkTests(EmbeddingServerFixture server)
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public async Task GenerateEmbeddingsAsync_ThreeTexts_ReturnsUnitVectorsInOrderWithUsage()
    {
        string[] texts = ["hello world", "the thing is hello", "world"];

        OpenAIEmbeddingCollection embeddings = await server.Embeddings().GenerateEmbeddingsAsync(texts);

        Assert.Equal(EmbeddingServerFixture.EmbeddingModelId, embeddings.Model);
        Assert.Equal(texts.Length, embeddings.Count);
        int expectedTokens = texts.Sum(t => server.Tokens(t).Length);
        Assert.Equal(expectedTokens, embeddings.Usage.InputTokenCount);
        Assert.Equal(expectedTokens, embeddings.Usage.TotalTokenCount);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(i, embeddings[i].Index);
            float[] vector = embeddings[i].ToFloats().ToArray();
            Assert.Equal(EmbeddingServerFixture.Dimensions, vector.Length);
            Assert.Equal(1.0, Math.Sqrt(vector.Sum(x => (double)x * x)), 1e-5);

            // Each text embedded alone gives its vector of the batch: the order is the inputs' order.
            OpenAIEmbedding alone = await server.Embeddings().GenerateEmbeddingAsync(texts[i]);
            Assert.True(MaxDifference(alone.ToFloats().ToArray(), vector) <= Tolerance, $"Input {i} differs from itself embedded alone.");
        }

        Assert.True(MaxDifference(embeddings[0].ToFloats().ToArray(), embeddings[1].ToFloats().ToArray()) > 0.01f);
    }

    [Fact]
    public async Task GenerateEmbeddingsAsync_TokenIdInputs_EqualTheTextInputs()
    {
        string[] texts = ["hello world", "the thing"];
        ReadOnlyMemory<int>[] tokenInputs = texts.Select(t => new ReadOnlyMemory<int>(server.Tokens(t))).ToArray();

        OpenAIEmbeddingCollection fromTokens = await server.Embeddings().GenerateEmbeddingsAsync(tokenInputs);
        OpenAIEmbeddingCollection fromTexts = await server.Embeddings().GenerateEmbeddingsAsync(texts);

        Assert.Equal(tokenInputs.Sum(t => t.Length), fromTokens.Usage.InputTokenCount);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(fromTexts[i].ToFloats().ToArray(), fromTokens[i].ToFloats().ToArray());
        }
    }

    [Fact]
    public async Task GenerateEmbeddingAsync_DimensionsOfTheModel_Accepted()
    {
        var options = new EmbeddingGenerationOptions { Dimensions = EmbeddingServerFixture.Dimensions, EndUserId = "user-1" };

        OpenAIEmbedding embedding = await server.Embeddings().GenerateEmbeddingAsync("hello world", options);

        Assert.Equal(EmbeddingServerFixture.Dimensions, embedding.ToFloats().Length);
    }

    [Fact]
    public async Task GenerateEmbeddingAsync_FewerDimensions_Fails400()
    {
        var options = new EmbeddingGenerationOptions { Dimensions = 32 };

        var error = await Assert.ThrowsAsync<ClientResultException>(() => server.Embeddings().GenerateEmbeddingAsync("hello world", options));

        Assert.Equal(400, error.Status);
        Assert.Contains("can't shorten", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GenerateEmbeddingAsync_UnknownModel_Fails404()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => server.Embeddings("absent").GenerateEmbeddingAsync("hello"));

        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task GenerateEmbeddingAsync_ChatModel_Fails400()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(
            () => server.Embeddings(EmbeddingServerFixture.ChatModelId).GenerateEmbeddingAsync("hello"));

        Assert.Equal(400, error.Status);
        Assert.Contains("does not serve embeddings", error.Message, StringComparison.Ordinal);
    }

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
}
