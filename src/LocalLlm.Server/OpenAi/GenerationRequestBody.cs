using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// The fields chat and completions requests share: the model, streaming, output length, sampling and stop settings.
/// Unknown fields are ignored, as OpenAI does.
/// </summary>
internal abstract class GenerationRequestBody
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    [JsonPropertyName("stream_options")]
    public StreamOptions? StreamOptions { get; set; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; set; }

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
