namespace LocalLlm.Cli.Bench;

/// <summary>Everything one `localllm bench` invocation runs: every target at every concurrency.</summary>
internal sealed record BenchOptions
{
    public required IReadOnlyList<BenchTarget> Targets { get; init; }

    public required IReadOnlyList<int> Concurrencies { get; init; }

    /// <summary>Requests per run; 0 means four per concurrent stream.</summary>
    public int NumPrompts { get; init; }

    /// <summary>`random`, or the path of a ShareGPT-format file.</summary>
    public string Dataset { get; init; } = "random";

    /// <summary>Words per random prompt.</summary>
    public int InputLen { get; init; } = 32;

    /// <summary>Tokens generated per request (exact, through `ignore_eos`).</summary>
    public int OutputLen { get; init; } = 128;

    /// <summary>Requests per second; infinity sends them all at once (bounded by the concurrency).</summary>
    public double RequestRate { get; init; } = double.PositiveInfinity;

    public double Burstiness { get; init; } = 1.0;

    public int Seed { get; init; }

    public IReadOnlyList<LatencyMetric> PercentileMetrics { get; init; } = [LatencyMetric.Ttft, LatencyMetric.Tpot, LatencyMetric.Itl, LatencyMetric.E2el];

    public IReadOnlyList<double> MetricPercentiles { get; init; } = [50, 90, 99];

    public GoodputSlo Goodput { get; init; } = new(new Dictionary<string, double>());

    /// <summary>Words of a preamble shared by every prompt (prefix-caching workload); 0 for none.</summary>
    public int SharedPrefixLen { get; init; }

    public string ResultDir { get; init; } = "bench-results";

    public string Label { get; init; } = "bench";

    public int PromptsFor(int concurrency) => NumPrompts > 0 ? NumPrompts : 4 * concurrency;

    /// <summary>The prompts of a run; the same for every target, so targets are compared on the same text.</summary>
    public string[] Prompts(int count)
    {
        string[] prompts = Dataset == "random"
            ? PromptGenerator.Create(count, InputLen, Seed)
            : ShareGptLoader.Load(Dataset, count, Seed);
        return PromptGenerator.WithSharedPrefix(prompts, SharedPrefixLen, Seed);
    }

    public static string MetricKey(LatencyMetric metric) => metric.ToString().ToLowerInvariant();

    public static IReadOnlyList<LatencyMetric> ParseMetrics(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(m => Enum.TryParse(m, ignoreCase: true, out LatencyMetric metric)
                ? metric
                : throw new FormatException($"percentile metric '{m}' is not one of ttft, tpot, itl, e2el"))
            .Distinct()
            .ToArray();
}
