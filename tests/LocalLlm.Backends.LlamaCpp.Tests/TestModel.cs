using LocalLlm.ModelForge;

namespace LocalLlm.Backends.LlamaCpp.Tests;

/// <summary>The tiny forged Qwen3 model every behaviour test loads (forged once per machine, then cached).</summary>
internal static class TestModel
{
    private static readonly Lazy<string> s_path = new(() => ForgeCache.GetOrCreate(TinyModelSpec.Test));

    public static string Path => s_path.Value;

    /// <remarks>
    /// One compute thread: xunit runs test classes in parallel, and ggml's worker threads spin while they wait,
    /// so several multi-threaded contexts on two cores slow each other down by orders of magnitude.
    /// </remarks>
    public static LlamaCppBackend Load(int contextSize = 512, int maxSequences = 4, int batchSize = 64, string? path = null)
        => LlamaCppBackend.Load(new LlamaCppOptions
        {
            ModelPath = path ?? Path,
            ContextSize = contextSize,
            MaxSequences = maxSequences,
            BatchSize = batchSize,
            Threads = 1,
        });
}
