using System.Text.Json.Serialization;

namespace LocalLlm.Server.OpenAi;

/// <summary>A whole completions response, and (with <see cref="Usage"/> null except on the last) each streamed chunk.</summary>
internal sealed class CompletionResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>OpenAI names both the response and its stream chunks "text_completion".</summary>
    [JsonPropertyName("object")]
    public string Object => "text_completion";

    [JsonPropertyName("created")]
    public required long Created { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("system_fingerprint")]
    public string SystemFingerprint => ServerInfo.SystemFingerprint;

    [JsonPropertyName("choices")]
    public required List<CompletionChoice> Choices { get; init; }

    /// <summary>In a stream: only on the extra last chunk when stream_options.include_usage is set, null elsewhere.</summary>
    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public Usage? Usage { get; init; }
}

internal sealed class CompletionChoice
{
    [JsonPropertyName("text")]
    public required string Text { get; init; }

    /// <summary>With several prompts, prompt p's choices are indices p·n to p·n + n − 1.</summary>
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("logprobs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public CompletionLogprobs? Logprobs { get; init; }

    /// <summary>Null on stream chunks before a choice's last.</summary>
    [JsonPropertyName("finish_reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }
}

/// <summary>
/// OpenAI's legacy logprobs shape, one entry per generated token in each list. Logprobs are under the model's own
/// distribution, before sampling settings apply; text offsets count UTF-16 characters from the start of the choice's
/// text (echoed prompt included).
/// </summary>
internal sealed class CompletionLogprobs
{
    [JsonPropertyName("tokens")]
    public List<string> Tokens { get; init; } = [];

    [JsonPropertyName("token_logprobs")]
    public List<float> TokenLogprobs { get; init; } = [];

    /// <summary>The most likely alternatives at each position, token text to logprob, most likely first.</summary>
    [JsonPropertyName("top_logprobs")]
    public List<Dictionary<string, float>> TopLogprobs { get; init; } = [];

    [JsonPropertyName("text_offset")]
    public List<int> TextOffset { get; init; } = [];
}
