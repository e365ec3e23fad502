using System.Globalization;

namespace LocalLlm.Cli.Bench;

internal static class Percentiles
{
    /// <summary>Linear interpolation between closest ranks (numpy's default), as vLLM's benchmark reports.</summary>
    public static double Of(IReadOnlyList<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        double[] sorted = values.Order().ToArray();
        double rank = percentile / 100.0 * (sorted.Length - 1);
        int lower = (int)Math.Floor(rank);
        int upper = (int)Math.Ceiling(rank);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (rank - lower));
    }

    public static double Median(IReadOnlyList<double> values) => Of(values, 50);

    /// <summary>vLLM's key word for a percentile: `99` for 99.0, `99.9` for 99.9 (as in `p99.9_ttft_ms`).</summary>
    public static string Word(double percentile) =>
        percentile == Math.Floor(percentile)
            ? ((int)percentile).ToString(CultureInfo.InvariantCulture)
            : percentile.ToString("0.###", CultureInfo.InvariantCulture);
}
