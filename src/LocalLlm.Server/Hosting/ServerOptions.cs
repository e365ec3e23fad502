using LocalLlm.Backends.LlamaCpp;

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

    /// <summary>--poll N: 0..100, how hard idle compute threads spin between decodes (llama.cpp's default is 50).</summary>
    public int? Poll { get; init; }

    /// <summary>--drain-timeout N: seconds requests in flight may take to finish after SIGTERM.</summary>
    public int? DrainTimeoutSeconds { get; init; }

    /// <summary>--block-size N: tokens per KV block (allocation and prefix-caching unit).</summary>
    public int? BlockSize { get; init; }

    /// <summary>--prefill-chunk N: most prompt tokens of one request per step.</summary>
    public int? PrefillChunk { get; init; }

    /// <summary>--max-queue N: waiting requests beyond this are answered 429.</summary>
    public int? MaxQueue { get; init; }

    /// <summary>--no-prefix-caching: compute every prompt in full (for comparisons).</summary>
    public bool DisablePrefixCaching { get; init; }

    /// <summary>--prefix-cache-idle F: share of KV blocks (0 to 1) that idle cached prefixes may keep.</summary>
    public double PrefixCacheIdle { get; init; } = DefaultPrefixCacheIdle;

    public const double DefaultPrefixCacheIdle = 1.0;

    /// <summary>--flash-attn auto|on|off (-fa): llama.cpp's flash attention; default: the models.yaml entry's, else auto.</summary>
    public FlashAttention? FlashAttention { get; init; }

    /// <summary>--cache-type-k TYPE (-ctk): f16, f32, bf16, q8_0 or q4_0.</summary>
    public KvCacheType? CacheTypeK { get; init; }

    /// <summary>--cache-type-v TYPE (-ctv): f16, f32, bf16, q8_0 or q4_0 (quantized only with flash attention).</summary>
    public KvCacheType? CacheTypeV { get; init; }

    /// <summary>--chat-template-file PATH: a Jinja chat template used instead of the model file's own.</summary>
    public string? ChatTemplateFile { get; init; }

    /// <summary>--embedding: the --model file serves /v1/embeddings instead of generation (as llama-server's flag).</summary>
    public bool Embedding { get; init; }

    /// <summary>--device cpu|cuda: where the --model runs.</summary>
    public string? Device { get; init; }

    /// <summary>--max-n N: most choices (<c>n</c>) one chat or completions request may ask for.</summary>
    public int MaxChoices { get; init; } = DefaultMaxChoices;

    public const int DefaultMaxChoices = 8;

    /// <summary>--max-body-size N: most bytes of one API request body; larger ones are answered 413.</summary>
    public long MaxBodySize { get; init; } = DefaultMaxBodySize;

    public const long DefaultMaxBodySize = 16 * 1024 * 1024;

    public static ServerOptions FromConfiguration(IConfiguration configuration) => new()
    {
        ModelPath = configuration["model"],
        Alias = configuration["alias"],
        ModelsFile = configuration["models-file"] ?? configuration["LOCALLLM_MODELS_FILE"],
        Parallel = ReadInt(configuration, "parallel"),
        ContextSize = ReadInt(configuration, "ctx-size"),
        BatchSize = ReadInt(configuration, "batch-size"),
        Threads = ReadInt(configuration, "threads"),
        BlockSize = ReadInt(configuration, "block-size"),
        DrainTimeoutSeconds = ReadInt(configuration, "drain-timeout"),
        Poll = configuration["poll"] is { } poll ? int.Parse(poll, System.Globalization.CultureInfo.InvariantCulture) : null,
        PrefillChunk = ReadInt(configuration, "prefill-chunk"),
        MaxQueue = ReadInt(configuration, "max-queue"),
        DisablePrefixCaching = configuration.GetValue<bool>("no-prefix-caching"),
        PrefixCacheIdle = ReadFraction(configuration, "prefix-cache-idle") ?? DefaultPrefixCacheIdle,
        FlashAttention = ReadFlashAttention(configuration["flash-attn"], "--flash-attn"),
        CacheTypeK = ReadCacheType(configuration["cache-type-k"], "--cache-type-k"),
        CacheTypeV = ReadCacheType(configuration["cache-type-v"], "--cache-type-v"),
        ChatTemplateFile = configuration["chat-template-file"],
        Embedding = configuration.GetValue<bool>("embedding") || configuration.GetValue<bool>("embeddings"),
        Device = configuration["device"],
        MaxChoices = ReadInt(configuration, "max-n") ?? DefaultMaxChoices,
        MaxBodySize = ReadLong(configuration, "max-body-size") ?? DefaultMaxBodySize,
    };

    private static readonly Dictionary<string, string> ShortFlags = new(StringComparer.Ordinal)
    {
        ["-m"] = "--model",
        ["-a"] = "--alias",
        ["-c"] = "--ctx-size",
        ["-np"] = "--parallel",
        ["-b"] = "--batch-size",
        ["-t"] = "--threads",
        ["-fa"] = "--flash-attn",
        ["-ctk"] = "--cache-type-k",
        ["-ctv"] = "--cache-type-v",
    };

    /// <summary>
    /// llama-server's short flags (`-m`, `-c`, `-np`, ...) become their long names, and boolean flags given bare
    /// (`--no-prefix-caching`) become `--flag=true`, which configuration understands.
    /// </summary>
    public static string[] ExpandSwitches(string[] args) => args
        .Select(a => ShortFlags.GetValueOrDefault(a) ?? (a is "--no-prefix-caching" or "--embedding" or "--embeddings" ? a + "=true" : a))
        .ToArray();

    /// <summary>Parses a flash attention mode given by <paramref name="source"/> (a flag or a models.yaml key).</summary>
    public static FlashAttention? ReadFlashAttention(string? value, string source) => value is null ? null
        : AttentionOptionsExtensions.TryParse(value, out FlashAttention mode) ? mode
        : throw new InvalidOperationException($"{source} must be auto, on or off, got '{value}'.");

    /// <summary>Parses a KV cache type given by <paramref name="source"/> (a flag or a models.yaml key).</summary>
    public static KvCacheType? ReadCacheType(string? value, string source) => value is null ? null
        : AttentionOptionsExtensions.TryParse(value, out KvCacheType type) ? type
        : throw new InvalidOperationException($"{source} must be one of f16, f32, bf16, q8_0, q4_0, got '{value}'.");

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

    private static double? ReadFraction(IConfiguration configuration, string key)
    {
        string? value = configuration[key];
        if (value is null)
        {
            return null;
        }

        return double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double parsed)
            && parsed is >= 0 and <= 1
            ? parsed
            : throw new InvalidOperationException($"--{key} must be a number from 0 to 1, got '{value}'.");
    }

    private static long? ReadLong(IConfiguration configuration, string key)
    {
        string? value = configuration[key];
        if (value is null)
        {
            return null;
        }

        return long.TryParse(value, out long parsed) && parsed > 0
            ? parsed
            : throw new InvalidOperationException($"--{key} must be a positive integer, got '{value}'.");
    }
}
