using System.Collections.Frozen;
using LocalLlm.Backends.Onnx;
using LocalLlm.Server.Hosting;

namespace LocalLlm.Server.Models;

/// <summary>
/// Loads the served models at start and finds them by id: the one model of <c>--model</c>, or every entry of
/// models.yaml (each through the loader of its <c>backend:</c>). A model that fails to load stops the start.
/// </summary>
internal sealed partial class ModelRegistry(ServerOptions options, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelRegistry>();
    private FrozenDictionary<string, ModelHost> _models = FrozenDictionary<string, ModelHost>.Empty;

    /// <summary>In models.yaml order, the default model first.</summary>
    public IReadOnlyList<ModelHost> Models { get; private set; } = [];

    public bool IsReady => _models.Count > 0 && _models.Values.All(m => !m.ServesGeneration || m.Engine.IsAlive);

    public ModelHost? Find(string id) => _models.GetValueOrDefault(id);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<IModelLoader> loaders = ModelLoaders.Create(options, loggerFactory);
        var loaded = new List<ModelHost>();
        try
        {
            foreach (ModelEntry entry in ResolveEntries())
            {
                if (loaded.Any(m => m.Id == entry.Id))
                {
                    throw new InvalidOperationException($"Two models have the id '{entry.Id}'; ids must be unique.");
                }

                loaded.Add(LoaderFor(loaders, entry).Load(entry));
            }
        }
        catch (Exception e)
        {
            LogLoadFailed(e, loaded.Count);
            loaded.ForEach(m => m.Dispose());
            throw;
        }

        Models = loaded;
        _models = loaded.ToFrozenDictionary(m => m.Id, StringComparer.Ordinal);
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
        Models = [];
        foreach (ModelHost host in models.Values)
        {
            host.Dispose();
        }
    }

    private static IModelLoader LoaderFor(IReadOnlyList<IModelLoader> loaders, ModelEntry entry) =>
        loaders.FirstOrDefault(l => l.BackendNames.Contains(entry.Backend, StringComparer.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException(
            $"Model '{entry.Id}': unknown backend '{entry.Backend}' (known: {string.Join(", ", loaders.Select(l => l.BackendNames[0]))}).");

    private IEnumerable<ModelEntry> ResolveEntries()
    {
        if (options.ModelPath is { } path)
        {
            string full = Path.GetFullPath(path);
            return
            [
                new ModelEntry
                {
                    Id = options.Alias ?? Path.GetFileNameWithoutExtension(full.TrimEnd(Path.DirectorySeparatorChar)),
                    Path = full,

                    // An ONNX model is a folder (genai_config.json, model.onnx, tokenizer.json); a GGUF model is one file.
                    Backend = OnnxModelFolder.IsModelFolder(full) ? "onnx" : "llamacpp",
                    Embedding = options.Embedding,
                    Device = options.Device,
                },
            ];
        }

        string file = FindModelsFile();
        ModelsFile models = ModelsFile.Load(file);
        if (models.Models.Count == 0)
        {
            throw new InvalidOperationException($"{file} lists no models.");
        }

        return models.Models.OrderByDescending(m => m.Default);
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

    [LoggerMessage(Level = LogLevel.Critical, Message = "Loading the models failed after {LoadedCount} loaded; the server stops")]
    private partial void LogLoadFailed(Exception exception, int loadedCount);
}
