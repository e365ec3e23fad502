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
public sealed class ServerFixture : IDisposable
{
    public const string ModelId = "tiny-test";
    public const int ContextSize = 4096;
    public const int Parallel = 16;

    private readonly WebApplicationFactory<Program> _factory;

    public ServerFixture()
    {
        string modelPath = ForgeCache.GetOrCreate(TinyModelSpec.Test);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("model", modelPath);
            builder.UseSetting("alias", ModelId);
            builder.UseSetting("parallel", Parallel.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("ctx-size", ContextSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("threads", "2");
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
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
    }

    private OpenAIClientOptions Options() => new() { Endpoint = new Uri(BaseAddress, "/v1"), NetworkTimeout = TimeSpan.FromMinutes(2) };
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
