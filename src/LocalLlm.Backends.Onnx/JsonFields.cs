using System.Text.Json;

namespace LocalLlm.Backends.Onnx;

/// <summary>
/// Reads fields of one JSON file, naming the file and the dotted path of the field in every error, so a user can
/// fix the folder without reading code.
/// </summary>
internal sealed class JsonFields(string fileName)
{
    public string FileName { get; } = fileName;

    public static JsonDocument Parse(string folder, string fileName)
    {
        string path = Path.Combine(folder, fileName);
        if (!File.Exists(path))
        {
            throw new OnnxModelException($"{fileName} is missing from the model folder '{folder}'.");
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new OnnxModelException($"{fileName} is not valid JSON: {ex.Message}", ex);
        }
    }

    public JsonElement Object(JsonElement parent, string path, string name)
    {
        JsonElement value = Required(parent, path, name);
        return value.ValueKind == JsonValueKind.Object ? value : throw Invalid(path, name, "an object");
    }

    public JsonElement? OptionalObject(JsonElement parent, string path, string name) =>
        Optional(parent, name) is { } value
            ? value.ValueKind == JsonValueKind.Object ? value : throw Invalid(path, name, "an object")
            : null;

    public int Int(JsonElement parent, string path, string name) =>
        AsInt(Required(parent, path, name), path, name);

    public int? OptionalInt(JsonElement parent, string path, string name) =>
        Optional(parent, name) is { } value ? AsInt(value, path, name) : null;

    public int PositiveInt(JsonElement parent, string path, string name)
    {
        int value = Int(parent, path, name);
        return value > 0 ? value : throw Invalid(path, name, "a positive integer");
    }

    public string String(JsonElement parent, string path, string name)
    {
        JsonElement value = Required(parent, path, name);
        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : throw Invalid(path, name, "a non-empty string");
    }

    public string? OptionalString(JsonElement parent, string path, string name) =>
        Optional(parent, name) is { } value
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(path, name, "a string")
            : null;

    public bool? OptionalBool(JsonElement parent, string path, string name) =>
        Optional(parent, name) is { } value
            ? value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(path, name, "true or false")
            : null;

    /// <summary>A field that is an integer or an array of integers (genai's eos_token_id).</summary>
    public int[] IntOrIntArray(JsonElement parent, string path, string name)
    {
        JsonElement value = Required(parent, path, name);
        if (value.ValueKind == JsonValueKind.Array)
        {
            int[] values = value.EnumerateArray().Select(item => AsInt(item, path, name)).ToArray();
            return values.Length > 0 ? values : throw Invalid(path, name, "an integer or a non-empty array of integers");
        }

        return [AsInt(value, path, name)];
    }

    public OnnxModelException Invalid(string path, string name, string expected) =>
        new($"{FileName}: {Join(path, name)} must be {expected}.");

    public OnnxModelException Unsupported(string path, string name, string reason) =>
        new($"{FileName}: {Join(path, name)} is not supported: {reason}");

    private JsonElement Required(JsonElement parent, string path, string name) =>
        Optional(parent, name) ?? throw new OnnxModelException($"{FileName}: {Join(path, name)} is missing.");

    private static JsonElement? Optional(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private int AsInt(JsonElement value, string path, string name) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result) ? result : throw Invalid(path, name, "an integer");

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}
