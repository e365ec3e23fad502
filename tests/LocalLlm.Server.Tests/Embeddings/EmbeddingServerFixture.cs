using System.ClientModel;
using LocalLlm.Engine.Backend;
using LocalLlm.ModelForge;
using LocalLlm.Server.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Embeddings;

namespace LocalLlm.Server.Tests.Embeddings;

/// <summary>
/// The real server serving the forge's tiny test model twice from a temporary models.yaml: once as an embedding model,
/// once as a generation model, so the tests can ask each for what the other serves.
/// </summary>
public sealed class EmbeddingServerFixture : IDisposable
{
    public const string EmbeddingModelId = "tiny-embed";
    public const string ChatModelId = "tiny-chat";

    /// <summary>The embedding model's context: also the longest input it embeds.</summary>
    public const int EmbeddingContext = 256;

    public const int Dimensions = 64;

    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _folder;

    public EmbeddingServerFixture()
    {
        _folder = Directory.CreateTempSubdirectory("embeddings-").FullName;
        File.Copy(ForgeCache.GetOrCreate(TinyModelSpec.Test), Path.Combine(_folder, "qwen.gguf"));
        string modelsFile = Path.Combine(_folder, "models.yaml");
        File.WriteAllText(modelsFile, $"""
            models:
              - id: {EmbeddingModelId}
                default: true
                path: qwen.gguf
                embedding: true
                pooling: mean
                context_size: {EmbeddingContext}
                parallel: 8
              - id: {ChatModelId}
                path: qwen.gguf
                context_size: 1024
                parallel: 2
            """);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("models-file", modelsFile);
            builder.UseSetting("threads", "1");
            builder.UseSetting("urls", "http://127.0.0.1:0");
        });
        _factory.UseKestrel(0);
        HostStarts.Start(_factory);
        Http = new HttpClient { BaseAddress = _factory.ClientOptions.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Http { get; }

    public EmbeddingClient Embeddings(string model = EmbeddingModelId) => new(
        model,
        new ApiKeyCredential("not-needed"),
        new OpenAIClientOptions { Endpoint = new Uri(_factory.ClientOptions.BaseAddress, "/v1"), NetworkTimeout = TimeSpan.FromMinutes(2) });

    /// <summary>The tokens the server embeds for <paramref name="text"/>, from the served model's own tokenizer.</summary>
    public int[] Tokens(string text) => Tokenizer.Tokenize(text, addSpecial: true, parseSpecial: false);

    public void Dispose()
    {
        Http.Dispose();
        _factory.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private ITokenizer Tokenizer => _factory.Services.GetRequiredService<ModelRegistry>().Find(EmbeddingModelId)!.Embedder.Tokenizer;
}

[CollectionDefinition(Name)]
public sealed class EmbeddingServerCollection : ICollectionFixture<EmbeddingServerFixture>
{
    public const string Name = "embedding-server";
}
