using LocalLlm.Backends.Onnx;
using LocalLlm.Engine;
using LocalLlm.ModelForge;
using LocalLlm.ModelForge.Onnx;
using LocalLlm.Server.Chat;
using LocalLlm.Server.Hosting;
using LocalLlm.Server.OpenAi;
using LocalLlm.Templates;

namespace LocalLlm.Server.Models;

/// <summary>Serves ONNX model folders (onnxruntime-genai layout, see docs/onnx-models.md) through ONNX Runtime.</summary>
internal sealed partial class OnnxModelLoader(ServerOptions options, ILoggerFactory loggerFactory) : IModelLoader
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<OnnxModelLoader>();

    public IReadOnlyList<string> BackendNames { get; } = ["onnx", "onnxruntime"];

    public ModelHost Load(ModelEntry entry)
    {
        if (entry.Forge is { } preset && !Directory.Exists(entry.Path))
        {
            LogForging(entry.Id, preset, entry.Path);
            Forge(TinyModelPresets.Find(preset), entry.Path);
        }

        if (!OnnxModelFolder.IsModelFolder(entry.Path))
        {
            throw new DirectoryNotFoundException(
                $"Model '{entry.Id}': '{entry.Path}' is not an ONNX model folder (a folder with {OnnxModelFolder.ConfigFileName}, model.onnx, tokenizer.json and tokenizer_config.json).");
        }

        if (entry.FlashAttn is not null || entry.CacheTypeK is not null || entry.CacheTypeV is not null)
        {
            throw new InvalidOperationException($"Model '{entry.Id}': flash_attn, cache_type_k and cache_type_v apply to llama.cpp models only.");
        }

        if (entry.Embedding)
        {
            throw new InvalidOperationException($"Model '{entry.Id}': embedding models are served by the llama.cpp backend only.");
        }

        int parallel = options.Parallel ?? entry.Parallel ?? 8;
        int batchTokens = options.BatchSize ?? entry.BatchSize ?? 512;

        // context_size counts KV cells shared by all running requests, as for llama.cpp; here each request owns a row.
        int contextSize = options.ContextSize ?? entry.ContextSize ?? 8192;
        var backendOptions = new OnnxBackendOptions
        {
            ModelPath = entry.Path,
            MaxSequences = parallel,
            SequenceLength = Math.Max(1, contextSize / parallel),
            MaxBatchTokens = batchTokens,
            Threads = options.Threads ?? entry.Threads,
            Device = Device(entry),
        };
        OnnxBackend backend;
        try
        {
            backend = OnnxBackend.Load(backendOptions, loggerFactory.CreateLogger<OnnxBackend>());
        }
        catch (OnnxModelException e)
        {
            throw new InvalidOperationException($"Model '{entry.Id}': {e.Message}", e);
        }

        try
        {
            var engine = new LlmEngine(backend, LlamaCppModelLoader.EngineOptionsFor(options, entry, parallel, batchTokens), loggerFactory.CreateLogger<LlmEngine>());
            LogLoaded(entry.Id, entry.Path, backend.Info.Architecture, parallel, backend.SequenceLength, backendOptions.Device);
            return new ModelHost(entry.Id, BackendNames[0], engine, PromptRenderer(entry, backend), DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                _ => throw ApiException.BadRequest(
                    $"The model '{entry.Id}' runs on the ONNX backend, which has no grammar-constrained sampling (GBNF grammars, structured outputs, required tool calls); serve it with the llama.cpp backend for these.",
                    param: null,
                    code: "grammar_not_supported"));
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    private static OnnxDevice Device(ModelEntry entry) => (entry.Device ?? "cpu").ToLowerInvariant() switch
    {
        "cpu" => OnnxDevice.Cpu,
        "cuda" or "gpu" => OnnxDevice.Cuda,
        _ => throw new InvalidOperationException($"Model '{entry.Id}': unknown device '{entry.Device}' (expected cpu or cuda)."),
    };

    /// <summary>Writes under a temporary name and renames, so a visible model folder always holds every file.</summary>
    private static void Forge(TinyModelSpec spec, string folder)
    {
        string temporary = folder.TrimEnd(Path.DirectorySeparatorChar) + $".tmp-{Guid.NewGuid():N}";
        try
        {
            OnnxForge.Write(spec, temporary, OnnxPrecision.Fp32);
            Directory.Move(temporary, folder);
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    private JinjaPromptRenderer PromptRenderer(ModelEntry entry, OnnxBackend backend)
    {
        var tokenizer = (OnnxTokenizer)backend.Tokenizer;
        return ModelPromptRenderer.Create(entry.Id, options.ChatTemplateFile ?? entry.ChatTemplate, backend.Info, tokenizer, tokenizer.EosToken, tokenizer.AddsBos, _logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelId}: generating the random-weight ONNX model ({Preset}) at {Path}; its output is meaningless words")]
    private partial void LogForging(string modelId, string preset, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} loaded from {Path}: {Architecture} on ONNX Runtime, {Parallel} parallel sequences of up to {SequenceLength} tokens, device {Device}")]
    private partial void LogLoaded(string modelId, string path, string architecture, int parallel, int sequenceLength, OnnxDevice device);
}
