namespace LocalLlm.Cli.Bench;

/// <summary>
/// Mean, median, standard deviation and percentiles of one latency series in milliseconds, computed as numpy does
/// in `vllm bench serve`: population standard deviation (ddof = 0), percentiles by linear interpolation between
/// closest ranks. An empty series reports zeros, as vLLM's `np.mean(x or 0)` does.
/// </summary>
internal sealed record LatencyStatistics(double Mean, double Median, double Std, IReadOnlyList<(double Percentile, double Value)> Percentiles)
{
    public static LatencyStatistics From(IReadOnlyList<double> values, IReadOnlyList<double> percentiles)
    {
        if (values.Count == 0)
        {
            return new LatencyStatistics(0, 0, 0, percentiles.Select(p => (p, 0.0)).ToArray());
        }

        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
        return new LatencyStatistics(
            mean,
            Bench.Percentiles.Median(values),
            Math.Sqrt(variance),
            percentiles.Select(p => (p, Bench.Percentiles.Of(values, p))).ToArray());
    }

    public double At(double percentile)
    {
        foreach ((double p, double value) in Percentiles)
        {
            if (p == percentile)
            {
                return value;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "percentile was not computed");
    }
}
