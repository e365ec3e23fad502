using System.Globalization;
using System.Text;

namespace LocalLlm.Cli.Bench;

/// <summary>
/// The side-by-side comparison table: one row per target × concurrency, throughputs, the mean and configured
/// percentiles of each selected latency metric (ms), goodput when objectives were given, and server-side memory and
/// KV-cache figures ("n/a" where the target does not expose `/metrics`).
/// </summary>
internal static class MarkdownReport
{
    public static string Render(IReadOnlyList<BenchmarkResult> results, BenchOptions options)
    {
        var header = new List<string> { "target", "concurrency", "completed", "failed", "duration s", "req/s" };
        if (!options.Goodput.IsEmpty)
        {
            header.Add("goodput req/s");
        }

        header.AddRange(["output tok/s", "total tok/s", "peak output tok/s", "max concurrent"]);
        foreach (LatencyMetric metric in options.PercentileMetrics)
        {
            string name = BenchOptions.MetricKey(metric).ToUpperInvariant();
            header.Add($"mean {name} ms");
            header.AddRange(options.MetricPercentiles.Select(p => $"P{Percentiles.Word(p)} {name} ms"));
        }

        header.AddRange(["peak memory MiB", "peak KV %", "mean KV %"]);

        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", header).AppendLine(" |");
        text.Append('|').AppendJoin("", header.Select((_, i) => i == 0 ? "---|" : "---:|")).AppendLine();
        foreach (BenchmarkResult r in results)
        {
            var row = new List<string>
            {
                r.Target.Name, Int(r.MaxConcurrency), Int(r.Completed), Int(r.Failed), Num(r.Duration, 2), Num(r.RequestThroughput, 2),
            };
            if (!options.Goodput.IsEmpty)
            {
                row.Add(Num(r.RequestGoodput ?? 0, 2));
            }

            row.AddRange([Num(r.OutputThroughput, 1), Num(r.TotalTokenThroughput, 1), Num(r.MaxOutputTokensPerSecond, 0), Int(r.MaxConcurrentRequests)]);
            foreach (LatencyMetric metric in options.PercentileMetrics)
            {
                LatencyStatistics stats = r.Latencies[metric];
                row.Add(Num(stats.Mean, 1));
                row.AddRange(options.MetricPercentiles.Select(p => Num(stats.At(p), 1)));
            }

            row.Add(r.Server.PeakWorkingSetBytes is { } bytes ? Num(bytes / (1024.0 * 1024.0), 0) : "n/a");
            row.Add(r.Server.PeakKvCacheUsage is { } peak ? Num(peak * 100, 1) : "n/a");
            row.Add(r.Server.MeanKvCacheUsage is { } mean ? Num(mean * 100, 1) : "n/a");
            text.Append("| ").AppendJoin(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).AppendLine(" |");
        }

        return text.ToString();
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Num(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
