using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalLlm.Server.OpenAi;

/// <summary>The body of POST /v1/completions (OpenAI's legacy text completions). Unknown fields are ignored.</summary>
internal sealed class CompletionRequest : GenerationRequestBody
{
    /// <summary>A string, an array of strings, an array of token ids, or an array of token-id arrays.</summary>
    [JsonPropertyName("prompt")]
    public JsonElement? Prompt { get; set; }

    /// <summary>Text after the completion (insertion); not supported, rejected when set.</summary>
    [JsonPropertyName("suffix")]
    public string? Suffix { get; set; }

    [JsonPropertyName("echo")]
    public bool? Echo { get; set; }

    /// <summary>Only null, 1 or n: this server returns every choice it generates, so it has no "best" to pick.</summary>
    [JsonPropertyName("best_of")]
    public int? BestOf { get; set; }

    /// <summary>0 to 5: the log probability of each output token with that many most likely alternatives.</summary>
    [JsonPropertyName("logprobs")]
    public int? Logprobs { get; set; }
}
