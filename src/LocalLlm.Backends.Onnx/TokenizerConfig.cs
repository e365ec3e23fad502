using System.Text.Json;

namespace LocalLlm.Backends.Onnx;

/// <summary>What this backend reads of a Hugging Face tokenizer_config.json.</summary>
internal sealed record TokenizerConfig
{
    public const string FileName = "tokenizer_config.json";

    /// <summary>The Jinja chat template; a named list picks its "default" entry.</summary>
    public string? ChatTemplate { get; init; }

    public string? BosToken { get; init; }

    public string? EosToken { get; init; }

    /// <summary>Null when the file does not say; the tokenizer then follows tokenizer.json's post-processor.</summary>
    public bool? AddBosToken { get; init; }

    public bool AddEosToken { get; init; }

    /// <exception cref="OnnxModelException">The file is missing or a field has the wrong type.</exception>
    public static TokenizerConfig Read(string folder)
    {
        var fields = new JsonFields(FileName);
        using JsonDocument document = JsonFields.Parse(folder, FileName);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OnnxModelException($"{FileName} must hold a JSON object.");
        }

        return new TokenizerConfig
        {
            ChatTemplate = ReadTemplate(fields, root),
            BosToken = ReadToken(fields, root, "bos_token"),
            EosToken = ReadToken(fields, root, "eos_token"),
            AddBosToken = fields.OptionalBool(root, "", "add_bos_token"),
            AddEosToken = fields.OptionalBool(root, "", "add_eos_token") ?? false,
        };
    }

    /// <summary>Special tokens are strings, or objects (AddedToken) whose text is in "content".</summary>
    private static string? ReadToken(JsonFields fields, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => fields.String(value, name, "content"),
            _ => throw fields.Invalid("", name, "a string or an object with \"content\""),
        };
    }

    private static string? ReadTemplate(JsonFields fields, JsonElement root)
    {
        if (!root.TryGetProperty("chat_template", out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement entry in value.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object && fields.OptionalString(entry, "chat_template[]", "name") == "default")
                {
                    return fields.String(entry, "chat_template[]", "template");
                }
            }

            throw fields.Invalid("", "chat_template", "a string or a list holding a template named \"default\"");
        }

        throw fields.Invalid("", "chat_template", "a string or a list of named templates");
    }
}
