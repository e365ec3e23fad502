namespace LocalLlm.Engine.Requests;

public enum FinishReason
{
    /// <summary>An end-of-generation token or a stop sequence.</summary>
    Stop,

    /// <summary>max_tokens or the context limit was reached.</summary>
    Length,

    /// <summary>The client went away or cancelled.</summary>
    Abort,

    /// <summary>The backend failed while the request was running.</summary>
    Error,
}

public static class FinishReasonNames
{
    /// <summary>The name OpenAI-style APIs and the metrics use: stop, length, abort, error.</summary>
    public static string ToWireName(this FinishReason reason) => reason switch
    {
        FinishReason.Stop => "stop",
        FinishReason.Length => "length",
        FinishReason.Abort => "abort",
        _ => "error",
    };
}

public readonly record struct GenerationUsage(int PromptTokens, int CompletionTokens, int CachedPromptTokens);

/// <summary>
/// One update of a running generation: new text (possibly empty when bytes of a character are still pending),
/// and on the last update the finish reason and usage.
/// </summary>
public sealed record GenerationEvent(string Text, int NewTokens, FinishReason? Finish = null, GenerationUsage Usage = default, string? Error = null)
{
    public bool IsFinal => Finish is not null;

    /// <summary>The token this update generated; -1 on a final update that generated none.</summary>
    public int Token { get; init; } = -1;

    /// <summary>Set when the request asked for log probabilities and this update generated a token.</summary>
    public TokenLogprob? Logprob { get; init; }
}

/// <summary>A token's log probability and the most likely alternatives at its position, most likely first.</summary>
public sealed record TokenLogprob(int Token, float Logprob, IReadOnlyList<(int Token, float Logprob)> Top);
