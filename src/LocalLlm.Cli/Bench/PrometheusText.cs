using System.Globalization;

namespace LocalLlm.Cli.Bench;

/// <summary>One sample of Prometheus text exposition: metric name, labels and value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// Parser for the Prometheus text exposition format (version 0.0.4): `name{label="value",...} value [timestamp]`
/// lines, `#` comment/HELP/TYPE lines skipped. Label values unescape `\\`, `\"` and `\n`; values accept Go's float
/// forms including `NaN`, `+Inf` and `-Inf`. A malformed line is skipped rather than failing the whole scrape.
/// </summary>
internal static class PrometheusText
{
    public static List<PrometheusSample> Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length > 0 && line[0] != '#' && TryParseLine(line, out PrometheusSample? sample))
            {
                samples.Add(sample);
            }
        }

        return samples;
    }

    /// <summary>The largest value of <paramref name="name"/> among samples whose labels include every given pair.</summary>
    public static double? Max(IEnumerable<PrometheusSample> samples, string name, IReadOnlyDictionary<string, string>? labels = null)
    {
        double? max = null;
        foreach (PrometheusSample sample in samples)
        {
            if (sample.Name == name && !double.IsNaN(sample.Value)
                && (labels is null || labels.All(l => sample.Labels.TryGetValue(l.Key, out string? v) && v == l.Value)))
            {
                max = max is null ? sample.Value : Math.Max(max.Value, sample.Value);
            }
        }

        return max;
    }

    private static bool TryParseLine(string line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PrometheusSample? sample)
    {
        sample = null;
        int i = 0;
        while (i < line.Length && line[i] != '{' && !char.IsWhiteSpace(line[i]))
        {
            i++;
        }

        string name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                while (i < line.Length && (line[i] == ',' || line[i] == ' '))
                {
                    i++;
                }

                if (i >= line.Length)
                {
                    return false;
                }

                if (line[i] == '}')
                {
                    i++;
                    break;
                }

                int eq = line.IndexOf('=', i);
                if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"')
                {
                    return false;
                }

                string key = line[i..eq].Trim();
                var value = new System.Text.StringBuilder();
                i = eq + 2;
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                if (i >= line.Length)
                {
                    return false;
                }

                i++;
                labels[key] = value.ToString();
            }
        }

        string[] rest = line[i..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (name.Length == 0 || rest.Length is < 1 or > 2 || !TryParseValue(rest[0], out double parsed))
        {
            return false;
        }

        sample = new PrometheusSample(name, labels, parsed);
        return true;
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
