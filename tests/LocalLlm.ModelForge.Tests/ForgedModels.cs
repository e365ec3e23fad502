using LocalLlm.Backends.LlamaCpp;

namespace LocalLlm.ModelForge.Tests;

/// <summary>The Test and TestLlama models, forged once into a private cache folder for the tests that load them.</summary>
public sealed class ForgedModels : IDisposable
{
    private readonly TempDirectory _cache = new();

    public ForgedModels()
    {
        Qwen3 = ForgeCache.GetOrCreate(TinyModelSpec.Test, ForgeQuantization.None, _cache.Path);
        Llama = ForgeCache.GetOrCreate(TinyModelSpec.TestLlama, ForgeQuantization.None, _cache.Path);
    }

    public string Qwen3 { get; }

    public string Llama { get; }

    public string CacheDirectory => _cache.Path;

    public string PathOf(string architecture) => architecture == TinyModelSpec.Llama ? Llama : Qwen3;

    public static LlamaCppBackend Load(string path, int contextSize = 512) => LlamaCppBackend.Load(new LlamaCppOptions
    {
        ModelPath = path,
        ContextSize = contextSize,
        MaxSequences = 1,
        BatchSize = 512,
        Threads = 2,
    });

    public void Dispose() => _cache.Dispose();
}
