using System.Collections.Frozen;
using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine;
using LocalLlm.Engine.Scheduling;
using LocalLlm.ModelForge;
using LocalLlm.Server.Chat;
using LocalLlm.Server.Hosting;
using LocalLlm.Templates;

namespace LocalLlm.Server.Models;

/// <summary>Loads the served models at start and finds them by id.</summary>
internal sealed partial class ModelRegistry(ServerOptions options, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelRegistry>();
    private FrozenDictionary<string, ModelHost> _models = FrozenDictionary<string, ModelHost>.Empty;

    public IReadOnlyCollection<ModelHost> Models => _models.Values;

    public bool IsReady => _models.Count > 0 && _models.Values.All(m => m.Engine.IsAlive);

    public ModelHost? Find(string id) => _models.GetValueOrDefault(id);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ModelEntry entry = ResolveEntry();
        if (entry.Forge is { } preset && !File.Exists(entry.Path))
        {
            LogForging(entry.Id, preset, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(entry.Path)!);
            GgufForge.Write(ForgePreset(preset), entry.Path);
        }

        if (!File.Exists(entry.Path))
        {
            throw new FileNotFoundException($"Model file of '{entry.Id}' not found: {entry.Path}", entry.Path);
        }

        ModelHost host = Load(entry);
        _models = new Dictionary<string, ModelHost> { [host.Id] = host }.ToFrozenDictionary(StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        FrozenDictionary<string, ModelHost> models = Interlocked.Exchange(ref _models, FrozenDictionary<string, ModelHost>.Empty);
        foreach (ModelHost host in models.Values)
        {
            host.Dispose();
        }
    }

    private ModelHost Load(ModelEntry entry)
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
        };
        LlamaCppBackend backend = LlamaCppBackend.Load(backendOptions, loggerFactory.CreateLogger<LlamaCppBackend>());
        try
        {
            var engineOptions = new EngineOptions
            {
                ModelId = entry.Id,
                BlockSize = options.BlockSize ?? 16,
                EnablePrefixCaching = !options.DisablePrefixCaching,
                Scheduler = new SchedulerOptions
                {
                    MaxRunningRequests = parallel,
                    MaxBatchTokens = backendOptions.BatchSize,
                    PrefillChunkTokens = options.PrefillChunk ?? 256,
                    MaxWaitingRequests = options.MaxQueue ?? 1024,
                },
            };
            var engine = new LlmEngine(backend, engineOptions, loggerFactory.CreateLogger<LlmEngine>());
            LogLoaded(entry.Id, entry.Path, backend.Info.Architecture, backend.Info.ParameterCount, backendOptions.ContextSize, parallel);
            return new ModelHost(entry.Id, engine, PromptRenderer(entry, backend), DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                grammar => LlamaTokenSampler.ValidateGrammar(backend, grammar));
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    private JinjaPromptRenderer PromptRenderer(ModelEntry entry, LlamaCppBackend backend)
    {
        (ChatTemplate template, string origin) = ChatTemplateSource.Choose(options.ChatTemplateFile ?? entry.ChatTemplate, backend.Info.ChatTemplate);
        var tokenizer = (LlamaTokenizer)backend.Tokenizer;
        var renderer = new JinjaPromptRenderer(template, TokenText(tokenizer, tokenizer.BosToken), TokenText(tokenizer, tokenizer.EosToken), tokenizer.AddsBos);
        LogTemplate(entry.Id, origin, renderer.Format.ToolCalls, renderer.Format.HasThinking);
        return renderer;
    }

    private static string TokenText(LlamaTokenizer tokenizer, int token) =>
        token < 0 ? string.Empty : System.Text.Encoding.UTF8.GetString(tokenizer.TokenBytes(token, renderSpecial: true));

    private ModelEntry ResolveEntry()
    {
        if (options.ModelPath is { } path)
        {
            return new ModelEntry
            {
                Id = options.Alias ?? Path.GetFileNameWithoutExtension(path),
                Path = Path.GetFullPath(path),
            };
        }

        string file = FindModelsFile();
        ModelsFile models = ModelsFile.Load(file);
        return models.Models.FirstOrDefault(m => m.Default)
            ?? models.Models.FirstOrDefault()
            ?? throw new InvalidOperationException($"{file} lists no models.");
    }

    private string FindModelsFile()
    {
        if (options.ModelsFile is { } configured)
        {
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"Models file not found: {configured}", configured);
        }

        // `dotnet run --project src/LocalLlm.Server` runs in the project folder: look upwards for the repository's file.
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "models.yaml");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException("No models.yaml found in the working directory, beside the server or above them; pass --model PATH.gguf or --models-file PATH.");
    }

    private static TinyModelSpec ForgePreset(string preset) => preset.ToLowerInvariant() switch
    {
        "demo" => TinyModelSpec.Demo,
        "test" => TinyModelSpec.Test,
        _ => throw new InvalidOperationException($"Unknown forge preset '{preset}' (known: demo, test)."),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelId}: generating the random-weight demo model ({Preset}) at {Path}; its output is meaningless words")]
    private partial void LogForging(string modelId, string preset, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId}: chat template from {Origin}; tool calls {ToolCallFormat}, thinking tags {HasThinking}")]
    private partial void LogTemplate(string modelId, string origin, ToolCallFormat toolCallFormat, bool hasThinking);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId} loaded from {Path}: {Architecture}, {Parameters} parameters, {ContextSize} KV cells, {Parallel} parallel sequences")]
    private partial void LogLoaded(string modelId, string path, string architecture, long parameters, int contextSize, int parallel);
}
