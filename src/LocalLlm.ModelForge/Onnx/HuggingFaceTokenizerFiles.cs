using System.Text.Json;
using LocalLlm.ModelForge.Tokenization;

namespace LocalLlm.ModelForge.Onnx;

/// <summary>
/// Writes a forged vocabulary as Hugging Face <c>tokenizer.json</c> and <c>tokenizer_config.json</c>, in the shape
/// Qwen3 and Llama 3.1 checkpoints publish: a byte-level BPE model with the learned vocabulary and merges, the same
/// split pattern the forge trains and tokenizes with, special tokens as added tokens, and the chat template.
/// </summary>
internal static class HuggingFaceTokenizerFiles
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public static void WriteTokenizer(ByteLevelBpeVocabulary vocabulary, string path)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, Indented);
        json.WriteStartObject();
        json.WriteString("version", "1.0");
        json.WriteNull("truncation");
        json.WriteNull("padding");

        json.WriteStartArray("added_tokens");
        foreach (var (text, id) in vocabulary.Special.OrderBy(s => s.Value))
        {
            json.WriteStartObject();
            json.WriteNumber("id", id);
            json.WriteString("content", text);
            json.WriteBoolean("single_word", false);
            json.WriteBoolean("lstrip", false);
            json.WriteBoolean("rstrip", false);
            json.WriteBoolean("normalized", false);

            // Control tokens are special; Qwen3's think and tool tags are added but not special, as Qwen3 marks them.
            json.WriteBoolean("special", vocabulary.TokenTypes[id] == TokenType.Control);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNull("normalizer");

        json.WriteStartObject("pre_tokenizer");
        json.WriteString("type", "Sequence");
        json.WriteStartArray("pretokenizers");
        json.WriteStartObject();
        json.WriteString("type", "Split");
        json.WriteStartObject("pattern");
        json.WriteString("Regex", PreTokenizer.Pattern(vocabulary.PreTokenizer));
        json.WriteEndObject();
        json.WriteString("behavior", "Isolated");
        json.WriteBoolean("invert", false);
        json.WriteEndObject();
        WriteByteLevel(json, addPrefixSpace: false, trimOffsets: false, useRegex: false);
        json.WriteEndArray();
        json.WriteEndObject();

        WritePostProcessor(json, vocabulary);
        json.WritePropertyName("decoder");
        WriteByteLevel(json, addPrefixSpace: true, trimOffsets: true, useRegex: true);
        WriteModel(json, vocabulary);
        json.WriteEndObject();
    }

    public static void WriteTokenizerConfig(ByteLevelBpeVocabulary vocabulary, TinyModelSpec spec, string path)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, Indented);
        json.WriteStartObject();
        json.WriteBoolean("add_bos_token", vocabulary.AddBos);
        json.WriteBoolean("add_eos_token", false);
        json.WriteStartObject("added_tokens_decoder");
        foreach (var (text, id) in vocabulary.Special.OrderBy(s => s.Value))
        {
            json.WriteStartObject(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("content", text);
            json.WriteBoolean("lstrip", false);
            json.WriteBoolean("normalized", false);
            json.WriteBoolean("rstrip", false);
            json.WriteBoolean("single_word", false);
            json.WriteBoolean("special", vocabulary.TokenTypes[id] == TokenType.Control);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteString("bos_token", vocabulary.Tokens[vocabulary.BosId]);
        json.WriteString("eos_token", vocabulary.Tokens[vocabulary.EosId]);
        json.WriteString("pad_token", vocabulary.Tokens[PadId(vocabulary)]);
        json.WriteString("chat_template", vocabulary.ChatTemplate);
        json.WriteBoolean("clean_up_tokenization_spaces", false);
        json.WriteNumber("model_max_length", spec.ContextLength);
        json.WriteString("tokenizer_class", "PreTrainedTokenizerFast");
        json.WriteEndObject();
    }

    /// <summary>Tokens that end generation: the chat end token first, then the family's other end tokens.</summary>
    public static IReadOnlyList<int> EndTokenIds(ByteLevelBpeVocabulary vocabulary) => vocabulary.Style == VocabularyStyle.ChatMl
        ? [vocabulary.EosId, vocabulary.Special["<|endoftext|>"]]
        : [vocabulary.EosId, vocabulary.Special["<|end_of_text|>"], vocabulary.Special["<|eom_id|>"]];

    /// <summary>Qwen3's padding token, or Llama 3's end-of-text token, which Llama 3 configurations pad with.</summary>
    public static int PadId(ByteLevelBpeVocabulary vocabulary) => vocabulary.PaddingId ?? vocabulary.Special["<|end_of_text|>"];

    private static void WriteByteLevel(Utf8JsonWriter json, bool addPrefixSpace, bool trimOffsets, bool useRegex)
    {
        json.WriteStartObject();
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", addPrefixSpace);
        json.WriteBoolean("trim_offsets", trimOffsets);
        json.WriteBoolean("use_regex", useRegex);
        json.WriteEndObject();
    }

    /// <summary>Llama 3 prepends its BOS through a template; Qwen3 adds nothing.</summary>
    private static void WritePostProcessor(Utf8JsonWriter json, ByteLevelBpeVocabulary vocabulary)
    {
        json.WriteStartObject("post_processor");
        if (!vocabulary.AddBos)
        {
            json.WriteString("type", "ByteLevel");
            json.WriteBoolean("add_prefix_space", false);
            json.WriteBoolean("trim_offsets", false);
            json.WriteBoolean("use_regex", false);
            json.WriteEndObject();
            return;
        }

        var bos = vocabulary.Tokens[vocabulary.BosId];
        json.WriteString("type", "TemplateProcessing");
        json.WriteStartArray("single");
        WritePiece(json, "SpecialToken", bos);
        WritePiece(json, "Sequence", "A");
        json.WriteEndArray();
        json.WriteStartArray("pair");
        WritePiece(json, "SpecialToken", bos);
        WritePiece(json, "Sequence", "A");
        WritePiece(json, "SpecialToken", bos);
        WritePiece(json, "Sequence", "B", typeId: 1);
        json.WriteEndArray();
        json.WriteStartObject("special_tokens");
        json.WriteStartObject(bos);
        json.WriteString("id", bos);
        json.WriteStartArray("ids");
        json.WriteNumberValue(vocabulary.BosId);
        json.WriteEndArray();
        json.WriteStartArray("tokens");
        json.WriteStringValue(bos);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WritePiece(Utf8JsonWriter json, string kind, string id, int typeId = 0)
    {
        json.WriteStartObject();
        json.WriteStartObject(kind);
        json.WriteString("id", id);
        json.WriteNumber("type_id", typeId);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteModel(Utf8JsonWriter json, ByteLevelBpeVocabulary vocabulary)
    {
        json.WriteStartObject("model");
        json.WriteString("type", "BPE");
        json.WriteNull("dropout");
        json.WriteNull("unk_token");
        json.WriteString("continuing_subword_prefix", "");
        json.WriteString("end_of_word_suffix", "");
        json.WriteBoolean("fuse_unk", false);
        json.WriteBoolean("byte_fallback", false);

        // llama-bpe takes a chunk that is itself a vocabulary token as one token without merging; qwen2 always merges.
        json.WriteBoolean("ignore_merges", vocabulary.Style == VocabularyStyle.Llama3);
        json.WriteStartObject("vocab");
        for (var id = 0; id < vocabulary.Count; id++)
        {
            if (vocabulary.TokenTypes[id] == TokenType.Normal)
            {
                json.WriteNumber(vocabulary.Tokens[id], id);
            }
        }

        json.WriteEndObject();
        json.WriteStartArray("merges");
        foreach (var merge in vocabulary.Merges)
        {
            json.WriteStringValue(merge);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
