using System.Text;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>One malformed or hostile request and the OpenAI error it must get.</summary>
/// <param name="Param">The field at fault, when one is; checked exactly.</param>
/// <param name="Code">The error code, when the case has a specific one.</param>
/// <param name="Chunked">Send the body without Content-Length (chunked transfer encoding).</param>
/// <param name="ExpectContinue">Send <c>Expect: 100-continue</c> and the body only if the server asks for it, as curl does for large bodies.</param>
public sealed record HostileCase(
    string Name,
    HttpMethod Method,
    string Path,
    byte[]? Body,
    string? ContentType,
    int Status,
    string? Param = null,
    string? Code = null,
    bool Chunked = false,
    bool ExpectContinue = false)
{
    public const string ChatPath = "/v1/chat/completions";
    public const string Json = "application/json";

    private const string Hi = """[{"role":"user","content":"hi"}]""";

    /// <summary>A chat request for the test model with <paramref name="fields"/> added; every one that slips through generates at most 2 tokens.</summary>
    public static HostileCase ChatCase(string name, string fields, int status, string? param, string messages = Hi, string? code = null) =>
        RawCase(name, ChatBody(fields, messages), status, param, code);

    public static HostileCase RawCase(string name, string body, int status, string? param = null, string? code = null) =>
        new(name, HttpMethod.Post, ChatPath, Encoding.UTF8.GetBytes(body), Json, status, param, code);

    public static string ChatBody(string fields, string messages = Hi)
    {
        string maxTokens = fields.Contains("\"max_tokens\"", StringComparison.Ordinal) ? string.Empty : ", \"max_tokens\": 2";
        string rest = fields.Length == 0 ? string.Empty : ", " + fields;
        return $$"""{"model": "{{ServerFixture.ModelId}}", "messages": {{messages}}{{maxTokens}}{{rest}}}""";
    }

    public static byte[] Bytes(params object[] parts) => parts
        .SelectMany(p => p switch
        {
            string text => Encoding.UTF8.GetBytes(text),
            byte[] raw => raw,
            _ => throw new ArgumentException($"Unexpected part {p}.", nameof(parts)),
        })
        .ToArray();

    public override string ToString() => Name;
}
