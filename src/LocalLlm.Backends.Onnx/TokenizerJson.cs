using System.Text.Json;
using System.Text.RegularExpressions;

namespace LocalLlm.Backends.Onnx;

/// <summary>An added token of tokenizer.json; <see cref="Special"/> ones are control tokens, the others user-defined text.</summary>
internal sealed record AddedToken(int Id, string Content, bool Special);

/// <summary>
/// The parts of a Hugging Face tokenizer.json a byte-level BPE tokenizer needs: vocabulary, merges, the pre-tokenizer's
/// split patterns and the added tokens. Other tokenizer kinds are rejected with the field that rules them out.
/// </summary>
internal sealed class TokenizerJson
{
    public const string FileName = "tokenizer.json";

    /// <summary>GPT-2's split pattern, used by a ByteLevel pre-tokenizer with use_regex.</summary>
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public required Dictionary<string, int> Vocabulary { get; init; }
    public required List<string> Merges { get; init; }
    public required List<AddedToken> AddedTokens { get; init; }

    /// <summary>Applied one after the other; each splits every chunk further, keeping matches and the text between them.</summary>
    public required List<Regex> Splits { get; init; }
    public bool AddPrefixSpace { get; init; }

    /// <summary>A chunk found whole in the vocabulary is one token, without merging (Llama 3).</summary>
    public bool IgnoreMerges { get; init; }

    /// <summary>The special token the post-processor puts first, if it does (how Llama 3 adds BOS).</summary>
    public int? PostProcessorBos { get; init; }

    public static TokenizerJson Read(string folder)
    {
        var fields = new JsonFields(FileName);
        using JsonDocument document = JsonFields.Parse(folder, FileName);
        JsonElement root = document.RootElement;
        JsonElement model = fields.Object(root, "", "model");
        if (fields.OptionalString(model, "model", "type") is { } type && type != "BPE")
        {
            throw fields.Unsupported("model", "type", $"'{type}' (only byte-level BPE tokenizers are supported).");
        }

        if (fields.OptionalBool(model, "model", "byte_fallback") == true)
        {
            throw fields.Unsupported("model", "byte_fallback", "SentencePiece-style byte fallback (only byte-level BPE tokenizers are supported).");
        }

        JsonElement vocab = fields.Object(model, "model", "vocab");
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in vocab.EnumerateObject())
        {
            vocabulary[entry.Name] = entry.Value.TryGetInt32(out int id) ? id : throw fields.Invalid("model.vocab", entry.Name, "an integer id");
        }

        var (splits, addPrefixSpace) = ReadPreTokenizer(fields, root);
        CheckNormalizer(fields, root);
        return new TokenizerJson
        {
            Vocabulary = vocabulary,
            Merges = ReadMerges(fields, model),
            AddedTokens = ReadAddedTokens(fields, root),
            Splits = splits,
            AddPrefixSpace = addPrefixSpace,
            IgnoreMerges = fields.OptionalBool(model, "model", "ignore_merges") ?? false,
            PostProcessorBos = ReadPostProcessorBos(root),
        };
    }

    private static List<string> ReadMerges(JsonFields fields, JsonElement model)
    {
        var merges = new List<string>();
        if (!model.TryGetProperty("merges", out JsonElement list) || list.ValueKind != JsonValueKind.Array)
        {
            throw fields.Invalid("model", "merges", "an array of merges");
        }

        foreach (JsonElement merge in list.EnumerateArray())
        {
            // Older files write "left right", newer ones ["left", "right"].
            merges.Add(merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString()!,
                JsonValueKind.Array when merge.GetArrayLength() == 2 => $"{merge[0].GetString()} {merge[1].GetString()}",
                _ => throw fields.Invalid("model", "merges", "strings \"left right\" or pairs [\"left\", \"right\"]"),
            });
        }

        return merges;
    }

    private static List<AddedToken> ReadAddedTokens(JsonFields fields, JsonElement root)
    {
        var added = new List<AddedToken>();
        if (root.TryGetProperty("added_tokens", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement token in list.EnumerateArray())
            {
                added.Add(new AddedToken(
                    fields.Int(token, "added_tokens[]", "id"),
                    fields.String(token, "added_tokens[]", "content"),
                    fields.OptionalBool(token, "added_tokens[]", "special") ?? false));
            }
        }

        return added;
    }

    private static (List<Regex> Splits, bool AddPrefixSpace) ReadPreTokenizer(JsonFields fields, JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out JsonElement pre) || pre.ValueKind != JsonValueKind.Object)
        {
            throw fields.Unsupported("", "pre_tokenizer", "it is missing; byte-level BPE needs a ByteLevel pre-tokenizer.");
        }

        var splits = new List<Regex>();
        bool byteLevel = false;
        bool addPrefixSpace = false;
        IEnumerable<JsonElement> steps = fields.OptionalString(pre, "pre_tokenizer", "type") == "Sequence"
            ? pre.GetProperty("pretokenizers").EnumerateArray()
            : [pre];
        foreach (JsonElement step in steps)
        {
            string? type = fields.OptionalString(step, "pre_tokenizer", "type");
            switch (type)
            {
                case "Split":
                    splits.Add(ReadSplit(fields, step));
                    break;
                case "ByteLevel":
                    byteLevel = true;
                    addPrefixSpace = fields.OptionalBool(step, "pre_tokenizer", "add_prefix_space") ?? false;
                    if (fields.OptionalBool(step, "pre_tokenizer", "use_regex") ?? true)
                    {
                        splits.Add(new Regex(Gpt2Pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled));
                    }

                    break;
                default:
                    throw fields.Unsupported("pre_tokenizer", "type", $"'{type}' (supported: Sequence, Split, ByteLevel).");
            }
        }

        if (!byteLevel)
        {
            throw fields.Unsupported("", "pre_tokenizer", "it has no ByteLevel step; only byte-level BPE tokenizers are supported.");
        }

        return (splits, addPrefixSpace);
    }

    private static Regex ReadSplit(JsonFields fields, JsonElement split)
    {
        JsonElement pattern = fields.Object(split, "pre_tokenizer", "pattern");
        string behavior = fields.OptionalString(split, "pre_tokenizer", "behavior") ?? "Isolated";
        if (behavior != "Isolated" || fields.OptionalBool(split, "pre_tokenizer", "invert") == true)
        {
            throw fields.Unsupported("pre_tokenizer", "behavior", $"'{behavior}' (only Isolated, not inverted, splits are supported).");
        }

        string text = fields.OptionalString(pattern, "pre_tokenizer.pattern", "Regex")
            ?? Regex.Escape(fields.String(pattern, "pre_tokenizer.pattern", "String"));
        try
        {
            return new Regex(text, RegexOptions.CultureInvariant | RegexOptions.Compiled);
        }
        catch (ArgumentException ex)
        {
            throw new OnnxModelException($"{FileName}: pre_tokenizer.pattern.Regex does not compile: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// NFC (Qwen2/Qwen3) is accepted and not applied: text is tokenized as it comes, as llama.cpp does for these
    /// vocabularies, and the process runs with invariant globalization, which has no Unicode normalization tables.
    /// </summary>
    private static void CheckNormalizer(JsonFields fields, JsonElement root)
    {
        if (root.TryGetProperty("normalizer", out JsonElement normalizer) && normalizer.ValueKind != JsonValueKind.Null
            && fields.OptionalString(normalizer, "normalizer", "type") is var type && type != "NFC")
        {
            throw fields.Unsupported("normalizer", "type", $"'{type}' (supported: none, or NFC, which text is assumed to be in).");
        }
    }

    private static int? ReadPostProcessorBos(JsonElement root)
    {
        if (!root.TryGetProperty("post_processor", out JsonElement post) || post.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        // Sequence post-processors (ByteLevel then TemplateProcessing) hold the template one level down.
        IEnumerable<JsonElement> steps = post.TryGetProperty("processors", out JsonElement processors) && processors.ValueKind == JsonValueKind.Array
            ? processors.EnumerateArray()
            : [post];
        foreach (JsonElement step in steps)
        {
            if (step.TryGetProperty("type", out JsonElement type) && type.GetString() == "TemplateProcessing"
                && step.TryGetProperty("single", out JsonElement single) && single.ValueKind == JsonValueKind.Array
                && single.GetArrayLength() > 0 && single[0].TryGetProperty("SpecialToken", out JsonElement first)
                && step.TryGetProperty("special_tokens", out JsonElement specials)
                && specials.TryGetProperty(first.GetProperty("id").GetString()!, out JsonElement entry)
                && entry.TryGetProperty("ids", out JsonElement ids) && ids.GetArrayLength() == 1)
            {
                return ids[0].GetInt32();
            }
        }

        return null;
    }
}
