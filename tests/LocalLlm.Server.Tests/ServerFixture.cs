using System.ClientModel;
using LocalLlm.ModelForge;
using LocalLlm.Server.Models;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests;

/// <summary>
/// The real server on a loopback port (Kestrel, not an in-memory host, so streaming and disconnects behave as they
/// do for real clients), serving the forge's tiny test model.
/// </summary>
public class ServerFixture : IDisposable
{
    public const string ModelId = "tiny-test";
    public const int ContextSize = 4096;
    public const int Parallel = 16;

    /// <summary>
    /// Tests here compare texts generated at different moments (streamed against whole, alone against beside other
    /// requests, a seed twice). With flash attention on the CPU and a float16 cache, logits move by about 1e-3 with
    /// where a sequence's cells sit in the shared cache, enough to flip a draw; these settings are the server's
    /// documented reproducible configuration, and a fixture's own settings may replace them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ReproducibleSettings = new Dictionary<string, string>
    {
        ["flash-attn"] = "off",
        ["cache-type-k"] = "f32",
        ["cache-type-v"] = "f32",
    };

    private readonly WebApplicationFactory<Program> _factory;

    public ServerFixture()
        : this(new Dictionary<string, string> { ["parallel"] = "16", ["ctx-size"] = "4096" })
    {
    }

    protected ServerFixture(IReadOnlyDictionary<string, string> settings)
    {
        string modelPath = ForgeCache.GetOrCreate(TinyModelSpec.Test);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("model", modelPath);
            builder.UseSetting("alias", ModelId);
            builder.UseSetting("threads", "2");
            builder.UseSetting("urls", "http://127.0.0.1:0");
            foreach ((string key, string value) in ReproducibleSettings.Concat(settings))
            {
                builder.UseSetting(key, value);
            }
        });
        _factory.UseKestrel(0);
        HostStarts.Start(_factory);
        BaseAddress = _factory.ClientOptions.BaseAddress;
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    internal ModelRegistry Registry => _factory.Services.GetRequiredService<ModelRegistry>();

    public ChatClient Chat(string model = ModelId) => new(model, new ApiKeyCredential("not-needed"), Options());

    public OpenAIClient Client() => new(new ApiKeyCredential("not-needed"), Options());

    public void Dispose()
    {
        Http.Dispose();
        _factory.Dispose();
        GC.SuppressFinalize(this);
    }

    private OpenAIClientOptions Options() => new() { Endpoint = new Uri(BaseAddress, "/v1"), NetworkTimeout = TimeSpan.FromMinutes(2) };
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
