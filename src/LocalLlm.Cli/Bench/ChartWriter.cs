using ScottPlot;

namespace LocalLlm.Cli.Bench;

/// <summary>
/// PNG charts of a bench: output throughput against concurrency (one line per target), and TTFT and ITL
/// percentiles against concurrency (one colour per target, one line pattern per percentile).
/// </summary>
internal static class ChartWriter
{
    private static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];

    /// <summary>Writes the charts into <paramref name="directory"/> and returns their paths.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<BenchmarkResult> results, BenchOptions options, string directory, string label)
    {
        var paths = new List<string>();
        IGrouping<BenchTarget, BenchmarkResult>[] byTarget = results.GroupBy(r => r.Target).ToArray();

        var throughput = new Plot();
        for (int t = 0; t < byTarget.Length; t++)
        {
            BenchmarkResult[] runs = byTarget[t].OrderBy(r => r.MaxConcurrency).ToArray();
            var line = throughput.Add.Scatter(runs.Select(r => (double)r.MaxConcurrency).ToArray(), runs.Select(r => r.OutputThroughput).ToArray());
            line.LegendText = byTarget[t].Key.Name;
            line.Color = throughput.Add.Palette.GetColor(t);
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }

        Finish(throughput, $"{label}: output throughput", "output tokens/s");
        paths.Add(Save(throughput, directory, $"{label}-throughput.png"));

        foreach (LatencyMetric metric in new[] { LatencyMetric.Ttft, LatencyMetric.Itl }.Where(options.PercentileMetrics.Contains))
        {
            string name = BenchOptions.MetricKey(metric).ToUpperInvariant();
            var plot = new Plot();
            for (int t = 0; t < byTarget.Length; t++)
            {
                BenchmarkResult[] runs = byTarget[t].OrderBy(r => r.MaxConcurrency).ToArray();
                for (int p = 0; p < options.MetricPercentiles.Count; p++)
                {
                    double percentile = options.MetricPercentiles[p];
                    var line = plot.Add.Scatter(
                        runs.Select(r => (double)r.MaxConcurrency).ToArray(),
                        runs.Select(r => r.Latencies[metric].At(percentile)).ToArray());
                    line.LegendText = $"{byTarget[t].Key.Name} P{Percentiles.Word(percentile)}";
                    line.Color = plot.Add.Palette.GetColor(t);
                    line.LinePattern = Patterns[p % Patterns.Length];
                    line.LineWidth = 2;
                    line.MarkerSize = 7;
                }
            }

            Finish(plot, $"{label}: {name} percentiles", $"{name} ms");
            paths.Add(Save(plot, directory, $"{label}-{name.ToLowerInvariant()}.png"));
        }

        return paths;
    }

    private static void Finish(Plot plot, string title, string yLabel)
    {
        plot.Title(title);
        plot.XLabel("concurrency (max concurrent requests)");
        plot.YLabel(yLabel);
        plot.Axes.AutoScale();
        AxisLimits limits = plot.Axes.GetLimits();
        plot.Axes.SetLimits(limits.Left - 0.5, limits.Right + 0.5, 0, Math.Max(limits.Top * 1.25, 1));
        plot.ShowLegend(Edge.Bottom);
    }

    private static string Save(Plot plot, string directory, string fileName)
    {
        string path = Path.Combine(directory, fileName);
        plot.SavePng(path, 900, 560);
        return path;
    }
}
