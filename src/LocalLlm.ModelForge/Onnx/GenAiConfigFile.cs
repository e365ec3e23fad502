using System.Text.Json;
using LocalLlm.ModelForge.Tokenization;

namespace LocalLlm.ModelForge.Onnx;

/// <summary>
/// Writes <c>genai_config.json</c> in onnxruntime-genai's schema: the model type, special token ids, the decoder's
/// dimensions and the names of its inputs and outputs (<c>%d</c> stands for the layer index), and search settings
/// that ask for one KV buffer shared by past and present.
/// </summary>
internal static class GenAiConfigFile
{
    public static void Write(TinyModelSpec spec, ByteLevelBpeVocabulary vocabulary, string path)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("model");
        json.WriteString("type", spec.Architecture);
        json.WriteNumber("bos_token_id", vocabulary.BosId);
        json.WriteStartArray("eos_token_id");
        foreach (var id in HuggingFaceTokenizerFiles.EndTokenIds(vocabulary))
        {
            json.WriteNumberValue(id);
        }

        json.WriteEndArray();
        json.WriteNumber("pad_token_id", HuggingFaceTokenizerFiles.PadId(vocabulary));
        json.WriteNumber("context_length", spec.ContextLength);
        json.WriteNumber("vocab_size", spec.VocabularySize);

        json.WriteStartObject("decoder");
        json.WriteString("filename", OnnxForge.ModelFileName);
        json.WriteNumber("head_size", spec.HeadDim);
        json.WriteNumber("hidden_size", spec.EmbeddingLength);
        json.WriteNumber("num_attention_heads", spec.HeadCount);
        json.WriteNumber("num_hidden_layers", spec.BlockCount);
        json.WriteNumber("num_key_value_heads", spec.HeadCountKv);
        json.WriteStartObject("session_options");
        json.WriteString("log_id", "onnxruntime-genai");
        json.WriteStartArray("provider_options");
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartObject("inputs");
        json.WriteString("input_ids", OnnxDecoderGraph.InputIds);
        json.WriteString("attention_mask", OnnxDecoderGraph.AttentionMask);
        json.WriteString("position_ids", OnnxDecoderGraph.PositionIds);
        json.WriteString("past_key_names", "past_key_values.%d.key");
        json.WriteString("past_value_names", "past_key_values.%d.value");
        json.WriteEndObject();
        json.WriteStartObject("outputs");
        json.WriteString("logits", OnnxDecoderGraph.Logits);
        json.WriteString("present_key_names", "present.%d.key");
        json.WriteString("present_value_names", "present.%d.value");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartObject("search");
        json.WriteNumber("max_length", spec.ContextLength);
        json.WriteBoolean("past_present_share_buffer", true);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
