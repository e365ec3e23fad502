using LocalLlm.Engine.Scheduling;

namespace LocalLlm.Engine;

public sealed record EngineOptions
{
    public SchedulerOptions Scheduler { get; init; } = new();

    /// <summary>Name used in logs and metrics.</summary>
    public string ModelId { get; init; } = "model";
}
