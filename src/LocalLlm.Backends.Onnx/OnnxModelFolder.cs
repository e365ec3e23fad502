namespace LocalLlm.Backends.Onnx;

/// <summary>The files of an ONNX model folder as the onnxruntime-genai model builder lays them out.</summary>
public static class OnnxModelFolder
{
    public const string ConfigFileName = "genai_config.json";

    /// <summary>True when <paramref name="path"/> is a folder holding a genai_config.json.</summary>
    public static bool IsModelFolder(string path) => File.Exists(Path.Combine(path, ConfigFileName));
}
