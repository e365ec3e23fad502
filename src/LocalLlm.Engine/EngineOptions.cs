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

    /// <summary>
    /// Share of the KV blocks that finished requests' cached prefixes may keep while no request uses them (0 to 1);
    /// the least recently used beyond it are evicted. On llama.cpp every step attends over the cells up to the highest
    /// one in use, so an unbounded idle cache makes every later step as costly as a full cache.
    /// </summary>
    public double MaxIdleCacheFraction { get; init; } = 1.0;

    /// <summary>Publish the engine's instruments (meter "localllm"); off, the engine creates no meter and records nothing.</summary>
    public bool EnableMetrics { get; init; } = true;
}
