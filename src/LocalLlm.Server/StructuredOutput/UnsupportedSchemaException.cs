namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// A JSON Schema the converter cannot turn into a grammar that admits only valid documents: an unknown or unsupported
/// keyword, an unsatisfiable combination, or a malformed value. <see cref="Path"/> is a JSON Pointer into the schema.
/// </summary>
internal sealed class UnsupportedSchemaException(string path, string reason) : Exception($"{reason} (at '{path}')")
{
    public string Path { get; } = path;

    public string Reason { get; } = reason;

    public static UnsupportedSchemaException Keyword(string path, string keyword) =>
        new(SchemaPath.Child(path, keyword), $"JSON Schema keyword '{keyword}' is not supported");
}

/// <summary>JSON Pointer fragments (<c>#/properties/a~1b</c>) naming places in a schema.</summary>
internal static class SchemaPath
{
    public const string Root = "#";

    public static string Child(string path, string token) => $"{path}/{token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";

    public static string Child(string path, int index) => $"{path}/{index}";
}
