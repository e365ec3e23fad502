namespace LocalLlm.ModelForge;

/// <summary>The forge's presets by the names the command line and models.yaml use.</summary>
public static class TinyModelPresets
{
    public static IReadOnlyList<string> Names { get; } = ["test", "test-llama", "test-fitted", "test-llama-fitted", "demo", "bench100m"];

    public static TinyModelSpec Find(string name) => name.ToLowerInvariant() switch
    {
        "test" => TinyModelSpec.Test,
        "test-llama" => TinyModelSpec.TestLlama,
        "test-fitted" => TinyModelSpec.TestFitted,
        "test-llama-fitted" => TinyModelSpec.TestLlamaFitted,
        "demo" => TinyModelSpec.Demo,
        "bench100m" => TinyModelSpec.Bench100M,
        _ => throw new ArgumentException($"Unknown forge preset '{name}': expected {string.Join(", ", Names)}."),
    };
}
