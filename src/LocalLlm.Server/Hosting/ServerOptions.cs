namespace LocalLlm.Server.Hosting;

/// <summary>Command-line and environment settings, named as llama-server names them where it has the same one.</summary>
internal sealed record ServerOptions
{
    /// <summary>--model PATH.gguf: serve this one file instead of models.yaml.</summary>
    public string? ModelPath { get; init; }

    /// <summary>--alias NAME: the model id clients use with --model; default: the file name without extension.</summary>
    public string? Alias { get; init; }

    /// <summary>--models-file PATH; default: models.yaml in the working directory or beside the server.</summary>
    public string? ModelsFile { get; init; }

    public int? Parallel { get; init; }

    public int? ContextSize { get; init; }

    public int? BatchSize { get; init; }

    public int? Threads { get; init; }

    public static ServerOptions FromConfiguration(IConfiguration configuration) => new()
    {
        ModelPath = configuration["model"],
        Alias = configuration["alias"],
        ModelsFile = configuration["models-file"] ?? configuration["LOCALLLM_MODELS_FILE"],
        Parallel = ReadInt(configuration, "parallel"),
        ContextSize = ReadInt(configuration, "ctx-size"),
        BatchSize = ReadInt(configuration, "batch-size"),
        Threads = ReadInt(configuration, "threads"),
    };

    private static int? ReadInt(IConfiguration configuration, string key)
    {
        string? value = configuration[key];
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, out int parsed) && parsed > 0
            ? parsed
            : throw new InvalidOperationException($"--{key} must be a positive integer, got '{value}'.");
    }
}
