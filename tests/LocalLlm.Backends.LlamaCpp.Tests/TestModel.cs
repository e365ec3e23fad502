namespace LocalLlm.Backends.LlamaCpp.Tests;

/// <summary>The tiny model every behaviour test loads.</summary>
internal static class TestModel
{
    public static string Path => Environment.GetEnvironmentVariable("LOCALLLM_TEST_MODEL") ?? "/tmp/tinymodel/tiny.gguf";

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
