using System.Text.Json;

namespace LocalLlm.Backends.Onnx;

/// <summary>
/// What this backend reads of genai_config.json, onnxruntime-genai's model description (unknown fields are ignored).
/// Graph input and output names of the per-layer KV tensors carry <c>%d</c> where the layer index goes.
/// </summary>
internal sealed record GenaiConfig
{
    public required string ModelType { get; init; }
    public int? BosTokenId { get; init; }
    public required IReadOnlyList<int> EosTokenIds { get; init; }
    public int? PadTokenId { get; init; }
    public required int ContextLength { get; init; }
    public required int VocabularySize { get; init; }
    public required string DecoderFileName { get; init; }
    public required int HeadSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int AttentionHeads { get; init; }
    public required int Layers { get; init; }
    public required int KeyValueHeads { get; init; }
    public string InputIdsName { get; init; } = "input_ids";
    public string AttentionMaskName { get; init; } = "attention_mask";
    public string PositionIdsName { get; init; } = "position_ids";
    public string PastKeyNames { get; init; } = "past_key_values.%d.key";
    public string PastValueNames { get; init; } = "past_key_values.%d.value";
    public string LogitsName { get; init; } = "logits";
    public string PresentKeyNames { get; init; } = "present.%d.key";
    public string PresentValueNames { get; init; } = "present.%d.value";

    /// <summary>Positions one sequence's KV buffer holds (search.max_length); at most <see cref="ContextLength"/> are used.</summary>
    public required int MaxLength { get; init; }

    public string PastKeyName(int layer) => Layer(PastKeyNames, layer);
    public string PastValueName(int layer) => Layer(PastValueNames, layer);
    public string PresentKeyName(int layer) => Layer(PresentKeyNames, layer);
    public string PresentValueName(int layer) => Layer(PresentValueNames, layer);

    private static string Layer(string pattern, int layer) => pattern.Replace("%d", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <exception cref="OnnxModelException">The file is missing, malformed, or describes a model this backend cannot run.</exception>
    public static GenaiConfig Read(string folder)
    {
        var fields = new JsonFields(OnnxModelFolder.ConfigFileName);
        using JsonDocument document = JsonFields.Parse(folder, OnnxModelFolder.ConfigFileName);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OnnxModelException($"{fields.FileName} must hold a JSON object.");
        }

        JsonElement model = fields.Object(root, "", "model");
        foreach (string part in (string[])["encoder", "vision", "speech", "embedding"])
        {
            if (model.TryGetProperty(part, out _))
            {
                throw fields.Unsupported("model", part, "only decoder-only language models run on this backend.");
            }
        }

        JsonElement decoder = fields.Object(model, "model", "decoder");
        JsonElement? search = fields.OptionalObject(root, "", "search");
        int contextLength = fields.PositiveInt(model, "model", "context_length");
        var config = new GenaiConfig
        {
            ModelType = fields.String(model, "model", "type"),
            BosTokenId = fields.OptionalInt(model, "model", "bos_token_id"),
            EosTokenIds = fields.IntOrIntArray(model, "model", "eos_token_id"),
            PadTokenId = fields.OptionalInt(model, "model", "pad_token_id"),
            ContextLength = contextLength,
            VocabularySize = fields.PositiveInt(model, "model", "vocab_size"),
            DecoderFileName = fields.String(decoder, "model.decoder", "filename"),
            HeadSize = fields.PositiveInt(decoder, "model.decoder", "head_size"),
            HiddenSize = fields.PositiveInt(decoder, "model.decoder", "hidden_size"),
            AttentionHeads = fields.PositiveInt(decoder, "model.decoder", "num_attention_heads"),
            Layers = fields.PositiveInt(decoder, "model.decoder", "num_hidden_layers"),
            KeyValueHeads = fields.PositiveInt(decoder, "model.decoder", "num_key_value_heads"),
            MaxLength = search is { } s && fields.OptionalInt(s, "search", "max_length") is int max ? max : contextLength,
        };

        if (config.MaxLength <= 0)
        {
            throw fields.Invalid("search", "max_length", "a positive integer");
        }

        if (search is not { } searchSection || fields.OptionalBool(searchSection, "search", "past_present_share_buffer") != true)
        {
            throw fields.Unsupported("search", "past_present_share_buffer", "it must be true: the KV cache lives in one buffer per layer bound as both past and present (GroupQueryAttention models).");
        }

        return WithNames(config, fields, decoder);
    }

    private static GenaiConfig WithNames(GenaiConfig config, JsonFields fields, JsonElement decoder)
    {
        JsonElement? inputs = fields.OptionalObject(decoder, "model.decoder", "inputs");
        JsonElement? outputs = fields.OptionalObject(decoder, "model.decoder", "outputs");
        string Name(JsonElement? section, string path, string name, string fallback, bool perLayer)
        {
            string value = section is { } s ? fields.OptionalString(s, path, name) ?? fallback : fallback;
            if (perLayer && !value.Contains("%d", StringComparison.Ordinal))
            {
                throw fields.Invalid(path, name, "a name with %d where the layer index goes");
            }

            return value;
        }

        const string In = "model.decoder.inputs";
        const string Out = "model.decoder.outputs";
        return config with
        {
            InputIdsName = Name(inputs, In, "input_ids", config.InputIdsName, false),
            AttentionMaskName = Name(inputs, In, "attention_mask", config.AttentionMaskName, false),
            PositionIdsName = Name(inputs, In, "position_ids", config.PositionIdsName, false),
            PastKeyNames = Name(inputs, In, "past_key_names", config.PastKeyNames, true),
            PastValueNames = Name(inputs, In, "past_value_names", config.PastValueNames, true),
            LogitsName = Name(outputs, Out, "logits", config.LogitsName, false),
            PresentKeyNames = Name(outputs, Out, "present_key_names", config.PresentKeyNames, true),
            PresentValueNames = Name(outputs, Out, "present_value_names", config.PresentValueNames, true),
        };
    }
}
