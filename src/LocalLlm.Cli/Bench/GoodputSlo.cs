using System.Globalization;

namespace LocalLlm.Cli.Bench;

/// <summary>
/// Service-level objectives for goodput, as vLLM's `--goodput ttft:500 tpot:50 e2el:2000` (milliseconds): a completed
/// request is good when every given metric is at or below its objective.
/// </summary>
internal sealed record GoodputSlo(IReadOnlyDictionary<string, double> Milliseconds)
{
    public static readonly string[] Metrics = ["ttft", "tpot", "e2el"];

    public bool IsEmpty => Milliseconds.Count == 0;

    /// <summary>Parses `ttft:500,tpot:50` (commas or spaces between entries).</summary>
    public static GoodputSlo Parse(string? text)
    {
        var slos = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string entry in (text ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = entry.Split(':');
            if (parts.Length != 2 || !Metrics.Contains(parts[0])
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) || ms < 0)
            {
                throw new FormatException($"goodput entry '{entry}' is not metric:milliseconds with metric one of ttft, tpot, e2el");
            }

            slos[parts[0]] = ms;
        }

        return new GoodputSlo(slos);
    }

    /// <summary>
    /// Whether a request meets every objective. <paramref name="tpotMs"/> is 0 for a one-token output, as in vLLM's
    /// `all_tpots`, so such a request never fails the TPOT objective.
    /// </summary>
    public bool IsGood(double ttftMs, double tpotMs, double e2elMs) =>
        (!Milliseconds.TryGetValue("ttft", out double ttft) || ttftMs <= ttft)
        && (!Milliseconds.TryGetValue("tpot", out double tpot) || tpotMs <= tpot)
        && (!Milliseconds.TryGetValue("e2el", out double e2el) || e2elMs <= e2el);
}
