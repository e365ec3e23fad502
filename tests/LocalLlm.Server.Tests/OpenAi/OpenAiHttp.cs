using System.Net;
using System.Text;
using System.Text.Json;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>Raw HTTP JSON against the server, for what the .NET SDK does not cover (legacy completions, n, extensions).</summary>
internal static class OpenAiHttp
{
    public const string Model = ServerFixture.ModelId;

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(this ServerFixture server, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await server.Http.PostAsync(new Uri(path, UriKind.Relative), content);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Posts and asserts 200: the response body.</summary>
    public static async Task<JsonElement> PostOkAsync(this ServerFixture server, string path, string body)
    {
        (HttpStatusCode status, JsonElement json) = await server.PostAsync(path, body);
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {json}");
        return json;
    }

    /// <summary>A streamed response's events, each the text after "data: " ("[DONE]" last).</summary>
    public static async Task<List<string>> StreamEventsAsync(this ServerFixture server, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await server.Http.PostAsync(new Uri(path, UriKind.Relative), content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => Assert.Single(e.Split('\n'), l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..])
            .ToList();
    }

    public static JsonElement[] Chunks(List<string> events)
    {
        Assert.Equal("[DONE]", events[^1]);
        return events[..^1].Select(e => JsonDocument.Parse(e).RootElement.Clone()).ToArray();
    }

    public static ITokenizer Tokenizer(this ServerFixture server) => server.Registry.Find(Model)!.Engine.Backend.Tokenizer;

    public static int VocabularySize(this ServerFixture server) => server.Registry.Find(Model)!.Engine.Backend.Info.VocabularySize;

    public static string TokenText(this ServerFixture server, int token) => Encoding.UTF8.GetString(server.Tokenizer().TokenBytes(token));

    /// <summary>
    /// The tokens with this text: one for an ordinary token (byte-level BPE gives each its own bytes), several for
    /// texts that do not show every byte (U+FFFD for part of a character, "" for control tokens).
    /// </summary>
    public static IEnumerable<int> TokenIds(this ServerFixture server, string text) =>
        Enumerable.Range(0, server.VocabularySize()).Where(t => server.TokenText(t) == text);

    /// <summary>An ordinary token whose text is a plain lowercase word of a few letters, for biasing tests.</summary>
    public static int PlainWordToken(this ServerFixture server, int skip = 0)
    {
        ITokenizer tokenizer = server.Tokenizer();
        return Enumerable.Range(300, server.VocabularySize() - 300)
            .Where(t => !tokenizer.IsEndOfGeneration(t) && server.TokenText(t) is { Length: >= 4 } text && text.All(char.IsAsciiLetterLower))
            .Skip(skip)
            .First();
    }

    public static string Texts(JsonElement response, string field = "text") =>
        string.Join("|", response.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty(field).GetString()));
}
