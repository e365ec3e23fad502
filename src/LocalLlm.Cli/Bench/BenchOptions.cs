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

    /// <summary>
    /// The prompts of run number <paramref name="run"/> (the index of its concurrency; -1 for the warm-up): the same for
    /// every target, so targets are compared on the same text, but different from run to run, so a server's prefix
    /// cache cannot answer one run's prompts from an earlier run's (only the shared prefix, when asked for, repeats).
    /// A ShareGPT file is reshuffled per run; prompts repeat across runs when it holds fewer than the runs ask for.
    /// </summary>
    public string[] Prompts(int count, int run)
    {
        int seed = unchecked((Seed * 1_000_003) + run + 1); // deterministic across processes, unlike HashCode
        string[] prompts = Dataset == "random"
            ? PromptGenerator.Create(count, InputLen, seed)
            : ShareGptLoader.Load(Dataset, count, seed);
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
