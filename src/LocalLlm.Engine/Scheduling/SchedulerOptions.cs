namespace LocalLlm.Engine.Scheduling;

public sealed record SchedulerOptions
{
    /// <summary>Most tokens (decode + prefill) in one step; bounded by the backend's batch size.</summary>
    public int MaxBatchTokens { get; init; } = 512;

    /// <summary>Most running sequences; bounded by the backend's sequence count.</summary>
    public int MaxRunningRequests { get; init; } = 16;

    /// <summary>Most prompt tokens of one request per step, so a long prompt never stalls the other streams.</summary>
    public int PrefillChunkTokens { get; init; } = 256;

    /// <summary>Requests beyond this many waiting are refused.</summary>
    public int MaxWaitingRequests { get; init; } = 1024;

    /// <summary>KV cells kept free when admitting, so admission does not cause immediate preemption.</summary>
    public double AdmissionWatermark { get; init; } = 0.01;
}
