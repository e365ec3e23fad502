extern alias server;

using LocalLlm.ModelForge;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LocalLlm.Cli.Tests;

/// <summary>
/// The real server on a loopback Kestrel port serving the forge's tiny test model, one compute thread, so the
/// commands are exercised over real HTTP and SSE. It runs in the reproducible configuration: the eval test scores a
/// greedy answer against the same request answered earlier, whose prompt was then computed with no cached prefix.
/// </summary>
public sealed class ServerHost : IDisposable
{
    public const string ModelId = "tiny-test";

    private readonly WebApplicationFactory<server::Program> _factory;

    public ServerHost()
    {
        string modelPath = ForgeCache.GetOrCreate(TinyModelSpec.Test);
        _factory = new WebApplicationFactory<server::Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("model", modelPath);
            builder.UseSetting("alias", ModelId);
            builder.UseSetting("threads", "1");
            builder.UseSetting("parallel", "4");
            builder.UseSetting("ctx-size", "2048");
            builder.UseSetting("flash-attn", "off");
            builder.UseSetting("cache-type-k", "f32");
            builder.UseSetting("cache-type-v", "f32");
            builder.UseSetting("urls", "http://127.0.0.1:0");
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseAddress = _factory.ClientOptions.BaseAddress;
    }

    public Uri BaseAddress { get; }

    public void Dispose() => _factory.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ServerHostCollection : ICollectionFixture<ServerHost>
{
    public const string Name = "server host";
}
