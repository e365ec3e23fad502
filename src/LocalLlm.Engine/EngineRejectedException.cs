namespace LocalLlm.Engine;

public enum RejectionReason
{
    /// <summary>The prompt plus the requested completion does not fit the model's context.</summary>
    ContextLengthExceeded,

    /// <summary>Too many requests are waiting.</summary>
    QueueFull,

    /// <summary>The engine is stopping.</summary>
    ShuttingDown,

    EmptyPrompt,
}

/// <summary>A request the engine refuses at submission; nothing of it was queued.</summary>
public sealed class EngineRejectedException(RejectionReason reason, string message) : Exception(message)
{
    public RejectionReason Reason { get; } = reason;
}
