namespace LocalLlm.Backends.Onnx;

/// <summary>The files of an ONNX model folder as the onnxruntime-genai model builder lays them out.</summary>
public static class OnnxModelFolder
{
    public const string ConfigFileName = "genai_config.json";

    /// <summary>True when <paramref name="path"/> is a folder holding a genai_config.json.</summary>
    public static bool IsModelFolder(string path) => File.Exists(Path.Combine(path, ConfigFileName));

    /// <summary>Reads the folder's configuration and tokenizer files (not the graph).</summary>
    /// <exception cref="OnnxModelException">A file is missing or a field is missing, malformed or unsupported; the message names both.</exception>
    internal static OnnxModelDescription Read(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new OnnxModelException($"The ONNX model folder '{folder}' does not exist.");
        }

        GenaiConfig genai = GenaiConfig.Read(folder);
        TokenizerConfig tokenizerConfig = TokenizerConfig.Read(folder);
        TokenizerJson tokenizer = TokenizerJson.Read(folder);
        return new OnnxModelDescription(folder, genai, tokenizerConfig, new OnnxTokenizer(tokenizer, tokenizerConfig, genai));
    }
}

/// <summary>A model folder's configuration, its tokenizer and chat template.</summary>
internal sealed record OnnxModelDescription(string Folder, GenaiConfig Genai, TokenizerConfig TokenizerConfig, OnnxTokenizer Tokenizer);
