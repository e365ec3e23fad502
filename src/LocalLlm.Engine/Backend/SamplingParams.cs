namespace LocalLlm.Engine.Backend;

public sealed record SamplingParams
{
    public static readonly SamplingParams Greedy = new() { Temperature = 0 };

    /// <summary>0 means greedy.</summary>
    public float Temperature { get; init; } = 1.0f;

    public float TopP { get; init; } = 1.0f;

    /// <summary>0 disables top-k.</summary>
    public int TopK { get; init; }

    public float MinP { get; init; }

    public float PresencePenalty { get; init; }

    public float FrequencyPenalty { get; init; }

    public float RepetitionPenalty { get; init; } = 1.0f;

    /// <summary>Null draws a fresh seed per request.</summary>
    public uint? Seed { get; init; }

    /// <summary>
    /// GBNF grammar (llama.cpp syntax, start rule <c>root</c>) every sampled token must extend; null leaves output free.
    /// The grammar ends where generation must stop: once complete, only end-of-generation tokens are allowed.
    /// </summary>
    public string? Grammar { get; init; }

    /// <summary>Added to the logits of these tokens before sampling (OpenAI's logit_bias); -100 effectively bans a token.</summary>
    public IReadOnlyList<KeyValuePair<int, float>> LogitBias { get; init; } = [];

    public bool IsGreedy => Temperature <= 0f;
}
