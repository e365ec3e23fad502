using LocalLlm.Engine.Scheduling;

namespace LocalLlm.Engine;

public sealed record EngineOptions
{
    public SchedulerOptions Scheduler { get; init; } = new();

    /// <summary>Name used in logs and metrics.</summary>
    public string ModelId { get; init; } = "model";

    /// <summary>Tokens per KV block: the unit of allocation and of prefix caching.</summary>
    public int BlockSize { get; init; } = 16;

    /// <summary>Reuse the KV of full blocks whose tokens (and all tokens before them) match an earlier request.</summary>
    public bool EnablePrefixCaching { get; init; } = true;

    /// <summary>Publish the engine's instruments (meter "localllm"); off, the engine creates no meter and records nothing.</summary>
    public bool EnableMetrics { get; init; } = true;
}
