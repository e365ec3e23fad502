using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalLlm.Server.Embeddings;

/// <summary>The body of POST /v1/embeddings. Unknown fields are ignored, as OpenAI does.</summary>
internal sealed class EmbeddingRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>A string, an array of strings, an array of token ids or an array of token-id arrays.</summary>
    [JsonPropertyName("input")]
    public JsonElement? Input { get; set; }

    /// <summary>"float" (default) or "base64": little-endian float32 bytes, base64-encoded.</summary>
    [JsonPropertyName("encoding_format")]
    public string? EncodingFormat { get; set; }

    /// <summary>Accepted only when equal to the model's size: no model here can shorten its vectors.</summary>
    [JsonPropertyName("dimensions")]
    public int? Dimensions { get; set; }

    [JsonPropertyName("user")]
    public string? User { get; set; }
}
