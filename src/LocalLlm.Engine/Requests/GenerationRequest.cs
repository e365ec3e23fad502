using LocalLlm.Engine.Backend;

namespace LocalLlm.Engine.Requests;

/// <summary>What a client asks the engine to generate: a tokenized prompt and how to continue it.</summary>
public sealed record GenerationRequest
{
    public required string RequestId { get; init; }

    public required IReadOnlyList<int> PromptTokens { get; init; }

    public SamplingParams Sampling { get; init; } = SamplingParams.Greedy;

    /// <summary>Null generates until an end-of-generation token or the context limit.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Texts that end generation; they are never part of the output.</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>
    /// Null: no log probabilities. Otherwise each generated token reports its log probability under the model's raw
    /// distribution, with this many most likely alternatives (0 to 20).
    /// </summary>
    public int? TopLogprobs { get; init; }

    /// <summary>
    /// Output control tokens as their text (e.g. a model's tool-call markers when they are special tokens), so a
    /// parser downstream can see them. End-of-generation tokens are never output either way.
    /// </summary>
    public bool RenderSpecialTokens { get; init; }

    /// <summary>Keeps generating past end-of-generation tokens (benchmarks).</summary>
    public bool IgnoreEos { get; init; }
}
