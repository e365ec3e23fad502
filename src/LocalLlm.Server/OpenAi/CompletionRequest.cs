using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalLlm.Server.OpenAi;

/// <summary>The body of POST /v1/completions (OpenAI's legacy text completions). Unknown fields are ignored.</summary>
internal sealed class CompletionRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    /// <summary>A string, an array of strings, an array of token ids, or an array of token-id arrays.</summary>
    [JsonPropertyName("prompt")]
    public JsonElement? Prompt { get; set; }

    /// <summary>Text after the completion (insertion); not supported, rejected when set.</summary>
    [JsonPropertyName("suffix")]
    public string? Suffix { get; set; }

    [JsonPropertyName("echo")]
    public bool? Echo { get; set; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    [JsonPropertyName("stream_options")]
    public StreamOptions? StreamOptions { get; set; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; set; }

    /// <summary>Chat's newer name for max_tokens, accepted here too; it wins when both are set.</summary>
    [JsonPropertyName("max_completion_tokens")]
    public int? MaxCompletionTokens { get; set; }

    [JsonPropertyName("temperature")]
    public float? Temperature { get; set; }

    [JsonPropertyName("top_p")]
    public float? TopP { get; set; }

    [JsonPropertyName("top_k")]
    public int? TopK { get; set; }

    [JsonPropertyName("min_p")]
    public float? MinP { get; set; }

    [JsonPropertyName("presence_penalty")]
    public float? PresencePenalty { get; set; }

    [JsonPropertyName("frequency_penalty")]
    public float? FrequencyPenalty { get; set; }

    [JsonPropertyName("repetition_penalty")]
    public float? RepetitionPenalty { get; set; }

    [JsonPropertyName("seed")]
    public long? Seed { get; set; }

    /// <summary>A string or an array of up to four strings.</summary>
    [JsonPropertyName("stop")]
    public JsonElement? Stop { get; set; }

    [JsonPropertyName("n")]
    public int? N { get; set; }

    /// <summary>Only null, 1 or n: this server returns every choice it generates, so it has no "best" to pick.</summary>
    [JsonPropertyName("best_of")]
    public int? BestOf { get; set; }

    /// <summary>0 to 5: the log probability of each output token with that many most likely alternatives.</summary>
    [JsonPropertyName("logprobs")]
    public int? Logprobs { get; set; }

    /// <summary>A map from token id (as a string) to a bias in [-100, 100] added to its logit.</summary>
    [JsonPropertyName("logit_bias")]
    public JsonElement? LogitBias { get; set; }

    [JsonPropertyName("ignore_eos")]
    public bool? IgnoreEos { get; set; }

    [JsonPropertyName("user")]
    public string? User { get; set; }

    /// <summary>Extension (as llama-server): a GBNF grammar (start rule <c>root</c>) the output must follow.</summary>
    [JsonPropertyName("grammar")]
    public string? Grammar { get; set; }
}
