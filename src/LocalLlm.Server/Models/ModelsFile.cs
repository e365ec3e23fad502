using LocalLlm.Server.Chat;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace LocalLlm.Server.Models;

/// <summary>The contents of models.yaml: the models this server can serve.</summary>
internal sealed class ModelsFile
{
    public List<ModelEntry> Models { get; set; } = [];

    public static ModelsFile Load(string path)
    {
        IDeserializer deserializer = new DeserializerBuilder()
            .WithNamingConvention(UnderscoredNamingConvention.Instance)
            .Build();
        using var reader = new StreamReader(path);
        ModelsFile file = deserializer.Deserialize<ModelsFile>(reader) ?? new ModelsFile();
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (ModelEntry entry in file.Models)
        {
            if (string.IsNullOrWhiteSpace(entry.Id) || string.IsNullOrWhiteSpace(entry.Path))
            {
                throw new InvalidOperationException($"{path}: every model needs an id and a path.");
            }

            entry.Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, Environment.ExpandEnvironmentVariables(entry.Path)));
            if (entry.ChatTemplate is { } template && !ChatTemplateSource.IsInline(template))
            {
                entry.ChatTemplate = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, Environment.ExpandEnvironmentVariables(template)));
            }
        }

        return file;
    }
}

internal sealed class ModelEntry
{
    public string Id { get; set; } = "";

    public string Path { get; set; } = "";

    public string Backend { get; set; } = "llamacpp";

    /// <summary>Served when no --model is given.</summary>
    public bool Default { get; set; }

    /// <summary>A preset of the model forge (one of <see cref="ModelForge.TinyModelPresets.Names"/>): the file (or ONNX folder) is generated when missing.</summary>
    public string? Forge { get; set; }

    /// <summary>Total KV cells shared by all running requests.</summary>
    public int? ContextSize { get; set; }

    /// <summary>Most requests decoded together.</summary>
    public int? Parallel { get; set; }

    public int? BatchSize { get; set; }

    public int? Threads { get; set; }

    /// <summary>llama.cpp flash attention: auto (default), on or off; off makes seeded output independent of concurrent load.</summary>
    public string? FlashAttn { get; set; }

    /// <summary>KV cache key type: f16 (default), f32, bf16, q8_0, q4_0.</summary>
    public string? CacheTypeK { get; set; }

    /// <summary>KV cache value type: f16 (default), f32, bf16, q8_0, q4_0 (quantized only with flash attention).</summary>
    public string? CacheTypeV { get; set; }

    /// <summary>Where the model runs: cpu (default) or cuda.</summary>
    public string? Device { get; set; }

    /// <summary>Serve this model on /v1/embeddings (pooled hidden states) instead of generation.</summary>
    public bool Embedding { get; set; }

    /// <summary>Embedding pooling: mean (default), cls, last; the model file's own choice wins when it names one.</summary>
    public string? Pooling { get; set; }

    /// <summary>Overrides the model file's chat template: a Jinja file (relative to models.yaml) or the template text itself.</summary>
    public string? ChatTemplate { get; set; }
}
