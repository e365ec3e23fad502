using LocalLlm.ModelForge.Tokenization;

namespace LocalLlm.ModelForge.Onnx;

/// <summary>
/// Writes random-weight models as ONNX model folders in the layout the onnxruntime-genai model builder produces:
/// <c>model.onnx</c> (+ <c>model.onnx.data</c>), <c>genai_config.json</c>, <c>tokenizer.json</c> and
/// <c>tokenizer_config.json</c>. Weights, vocabulary and chat template are those <see cref="GgufForge"/> writes for
/// the same spec, so an ONNX model and its GGUF twin produce the same logits.
/// </summary>
public static class OnnxForge
{
    /// <summary>
    /// Version of everything that determines an ONNX folder's contents beyond the GGUF format (graph, layout,
    /// configuration files). Bump it with any such change: it is part of the cache key.
    /// </summary>
    public const int FormatVersion = 1;

    public const string ModelFileName = "model.onnx";
    public const string GenAiConfigFileName = "genai_config.json";
    public const string TokenizerFileName = "tokenizer.json";
    public const string TokenizerConfigFileName = "tokenizer_config.json";

    /// <summary>
    /// Writes <paramref name="spec"/> in <paramref name="precision"/> into <paramref name="folder"/>, creating it if
    /// needed and overwriting the model files. Callers that need an atomic folder write into a temporary folder and
    /// rename it, as <see cref="ForgeCache.GetOrCreateOnnx(TinyModelSpec, OnnxPrecision)"/> does.
    /// </summary>
    public static void Write(TinyModelSpec spec, string folder, OnnxPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        spec.Validate();
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown ONNX precision.");
        }

        Directory.CreateDirectory(folder);
        var vocabulary = ByteLevelBpeVocabulary.Create(
            spec.Architecture == TinyModelSpec.Qwen3 ? VocabularyStyle.ChatMl : VocabularyStyle.Llama3, spec.VocabularySize);

        OnnxModelFile.Save(OnnxDecoderGraph.Build(spec, precision), Path.Combine(folder, ModelFileName));
        GenAiConfigFile.Write(spec, vocabulary, Path.Combine(folder, GenAiConfigFileName));
        HuggingFaceTokenizerFiles.WriteTokenizer(vocabulary, Path.Combine(folder, TokenizerFileName));
        HuggingFaceTokenizerFiles.WriteTokenizerConfig(vocabulary, spec, Path.Combine(folder, TokenizerConfigFileName));
    }
}
