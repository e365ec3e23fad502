using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine;
using LocalLlm.Engine.Scheduling;
using LocalLlm.ModelForge;
using LocalLlm.Server.Chat;
using LocalLlm.Server.Hosting;
using LocalLlm.Templates;

namespace LocalLlm.Server.Models;

/// <summary>Serves GGUF files through llama.cpp.</summary>
internal sealed partial class LlamaCppModelLoader(ServerOptions options, ILoggerFactory loggerFactory) : IModelLoader
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<LlamaCppModelLoader>();

    public IReadOnlyList<string> BackendNames { get; } = ["llamacpp", "llama.cpp", "gguf"];

    public ModelHost Load(ModelEntry entry)
    {
        if (entry.Forge is { } preset && !File.Exists(entry.Path))
        {
            LogForging(entry.Id, preset, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(entry.Path)!);
            GgufForge.Write(TinyModelPresets.Find(preset), entry.Path);
        }

        if (!File.Exists(entry.Path))
        {
            throw new FileNotFoundException($"Model file of '{entry.Id}' not found: {entry.Path}", entry.Path);
        }

        if (!string.Equals(entry.Device ?? "cpu", "cpu", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"Model '{entry.Id}': device '{entry.Device}' is not available with the bundled llama.cpp build (CPU); GPU offload needs a CUDA build of libllama (set LLAMA_NATIVE_DIR).");
        }

        return entry.Embedding ? LoadEmbedding(entry) : LoadGeneration(entry);
    }

    private ModelHost LoadEmbedding(ModelEntry entry)
    {
        // The memory holds one batch of inputs at a time, so the context size is also the longest input.
        int contextSize = options.ContextSize ?? entry.ContextSize ?? 2048;
        var embeddingOptions = new LlamaCppOptions
        {
            ModelPath = entry.Path,
            ContextSize = contextSize,
            BatchSize = Math.Min(options.BatchSize ?? entry.BatchSize ?? contextSize, contextSize),
            MaxSequences = Math.Min(options.Parallel ?? entry.Parallel ?? 64, LlamaCppOptions.MaxSequenceLimit),
            Threads = options.Threads ?? entry.Threads,
            Poll = (uint)Math.Clamp(options.Poll ?? 50, 0, 100),
            Embeddings = true,
            Pooling = ParsePooling(entry),
        };
        LlamaEmbeddingModel embedder = LlamaEmbeddingModel.Load(embeddingOptions, loggerFactory.CreateLogger<LlamaEmbeddingModel>());
        LogLoadedEmbedding(entry.Id, entry.Path, embedder.Dimensions, embedder.Pooling, embedder.ContextLength);
        return new ModelHost(entry.Id, BackendNames[0], embedder, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    private static EmbeddingPooling ParsePooling(ModelEntry entry) => entry.Pooling?.ToLowerInvariant() switch
    {
        null or "mean" => EmbeddingPooling.Mean,
        "cls" => EmbeddingPooling.Cls,
        "last" => EmbeddingPooling.Last,
        _ => throw new InvalidOperationException($"Model '{entry.Id}': unknown pooling '{entry.Pooling}' (known: mean, cls, last)."),
    };

    private ModelHost LoadGeneration(ModelEntry entry)
    {
        int parallel = Math.Min(options.Parallel ?? entry.Parallel ?? 8, LlamaCppOptions.MaxSequenceLimit - 1);

        // Sequence ids past the running ones hold the prefix cache of finished requests.
        int cacheHolders = Math.Min(LlamaCppOptions.MaxSequenceLimit - parallel, 64);
        var backendOptions = new LlamaCppOptions
        {
            ModelPath = entry.Path,
            ContextSize = options.ContextSize ?? entry.ContextSize ?? 8192,
            MaxSequences = parallel + cacheHolders,
            BatchSize = options.BatchSize ?? entry.BatchSize ?? 512,
            Threads = options.Threads ?? entry.Threads,
            Poll = (uint)Math.Clamp(options.Poll ?? 50, 0, 100),
            FlashAttention = options.FlashAttention ?? ServerOptions.ReadFlashAttention(entry.FlashAttn, $"Model '{entry.Id}': flash_attn") ?? FlashAttention.Auto,
            CacheTypeK = options.CacheTypeK ?? ServerOptions.ReadCacheType(entry.CacheTypeK, $"Model '{entry.Id}': cache_type_k") ?? KvCacheType.F16,
            CacheTypeV = options.CacheTypeV ?? ServerOptions.ReadCacheType(entry.CacheTypeV, $"Model '{entry.Id}': cache_type_v") ?? KvCacheType.F16,
        };
        LlamaCppBackend backend = LlamaCppBackend.Load(backendOptions, loggerFactory.CreateLogger<LlamaCppBackend>());
        try
        {
            var engine = new LlmEngine(backend, EngineOptionsFor(options, entry, parallel, backendOptions.BatchSize), loggerFactory.CreateLogger<LlmEngine>());
            LogLoaded(entry.Id, entry.Path, backend.Info.Architecture, backend.Info.ParameterCount, backendOptions.ContextSize, parallel);
            return new ModelHost(entry.Id, BackendNames[0], engine, PromptRenderer(entry, backend), DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                grammar => LlamaTokenSampler.ValidateGrammar(backend, grammar));
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    /// <summary>The scheduling settings every backend's engine takes from the command line and the entry.</summary>
    internal static EngineOptions EngineOptionsFor(ServerOptions options, ModelEntry entry, int parallel, int batchTokens) => new()
    {
        ModelId = entry.Id,
        BlockSize = options.BlockSize ?? 16,
        EnablePrefixCaching = !options.DisablePrefixCaching,
        MaxIdleCacheFraction = options.PrefixCacheIdle,
        Scheduler = new SchedulerOptions
        {
            MaxRunningRequests = parallel,
            MaxBatchTokens = batchTokens,
            PrefillChunkTokens = options.PrefillChunk ?? 256,
            MaxWaitingRequests = options.MaxQueue ?? 1024,
        },
    };

    private JinjaPromptRenderer PromptRenderer(ModelEntry entry, LlamaCppBackend backend)
    {
        var tokenizer = (LlamaTokenizer)backend.Tokenizer;
        return ModelPromptRenderer.Create(entry.Id, options.ChatTemplateFile ?? entry.ChatTemplate, backend.Info, tokenizer, tokenizer.EosToken, tokenizer.AddsBos, _logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelId}: generating the random-weight demo model ({Preset}) at {Path}; its output is meaningless words")]
    private partial void LogForging(string modelId, string preset, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} loaded from {Path} for embeddings: {Dimensions} dimensions, {Pooling} pooling, up to {ContextLength} tokens per input")]
    private partial void LogLoadedEmbedding(string modelId, string path, int dimensions, EmbeddingPooling pooling, int contextLength);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} loaded from {Path}: {Architecture}, {Parameters} parameters, {ContextSize} KV cells, {Parallel} parallel sequences")]
    private partial void LogLoaded(string modelId, string path, string architecture, long parameters, int contextSize, int parallel);
}
