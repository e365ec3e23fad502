using LocalLlm.Backends.LlamaCpp;
using LocalLlm.ModelForge;

namespace LocalLlm.Engine.Tests;

/// <summary>
/// The forge's tiny test model on llama.cpp, one compute thread, for the engine tests that need real decoding; in the
/// reproducible configuration, since these tests compare a request's tokens over runs whose cells sit in different places.
/// </summary>
internal static class TestModel
{
    public static LlamaCppBackend Load(int maxSequences, int contextSize = 512) => LlamaCppBackend.Load(new LlamaCppOptions
    {
        ModelPath = ForgeCache.GetOrCreate(TinyModelSpec.Test),
        ContextSize = contextSize,
        MaxSequences = maxSequences,
        BatchSize = 64,
        Threads = 1,
        FlashAttention = FlashAttention.Off,
        CacheTypeK = KvCacheType.F32,
        CacheTypeV = KvCacheType.F32,
    });
}
