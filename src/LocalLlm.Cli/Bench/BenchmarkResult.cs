namespace LocalLlm.Cli.Bench;

/// <summary>The four latency series vLLM summarises, in its order and with its key names.</summary>
internal enum LatencyMetric
{
    Ttft,
    Tpot,
    Itl,
    E2el,
}

/// <summary>Server-side figures sampled from the target's `/metrics` during one run; null fields mean "n/a".</summary>
internal sealed record ServerMetricsSummary(int Samples, double? PeakWorkingSetBytes, double? PeakKvCacheUsage, double? MeanKvCacheUsage)
{
    public static ServerMetricsSummary None { get; } = new(0, null, null, null);
}

/// <summary>
/// One target × concurrency run, with the fields and definitions of `vllm bench serve` (latencies in milliseconds,
/// throughputs per second of <see cref="Duration"/>).
/// </summary>
internal sealed record BenchmarkResult
{
    public required BenchTarget Target { get; init; }

    public required int MaxConcurrency { get; init; }

    public required int NumPrompts { get; init; }

    public required double RequestRate { get; init; }

    public required double Burstiness { get; init; }

    public required double Duration { get; init; }

    public required int Completed { get; init; }

    public required int Failed { get; init; }

    public required long TotalInputTokens { get; init; }

    public required long TotalOutputTokens { get; init; }

    public required double RequestThroughput { get; init; }

    /// <summary>Null when no goodput objective was given (vLLM writes null too).</summary>
    public required double? RequestGoodput { get; init; }

    public required double OutputThroughput { get; init; }

    public required double TotalTokenThroughput { get; init; }

    public required double MaxOutputTokensPerSecond { get; init; }

    public required int MaxConcurrentRequests { get; init; }

    public required IReadOnlyDictionary<LatencyMetric, LatencyStatistics> Latencies { get; init; }

    public required IReadOnlyList<RequestOutcome> Outcomes { get; init; }

    public ServerMetricsSummary Server { get; init; } = ServerMetricsSummary.None;

    public required DateTimeOffset Date { get; init; }
}
