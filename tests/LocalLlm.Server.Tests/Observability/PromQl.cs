using System.Text.RegularExpressions;

namespace LocalLlm.Server.Tests.Observability;

/// <summary>The metric names a PromQL expression reads, and the names a /metrics scrape declares.</summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal) { "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan" };

    /// <summary>
    /// Identifiers left once strings, label matchers, ranges and grouping clauses are removed, that are not
    /// functions (followed by a parenthesis) or keywords. Histogram series suffixes are stripped to the base name.
    /// </summary>
    public static IReadOnlySet<string> MetricNames(string expression)
    {
        string text = StringLiteral().Replace(expression, "\"\"");
        text = LabelMatchers().Replace(text, " ");
        text = Range().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        return Identifier().Matches(text)
            .Where(m => !Keywords.Contains(m.Groups["name"].Value.ToLowerInvariant()) && !m.Groups["call"].Success)
            .Select(m => BaseName(m.Groups["name"].Value))
            .ToHashSet(StringComparer.Ordinal);
    }

    public static string BaseName(string name) => HistogramSuffix().Replace(name, "");

    /// <summary>Every family a Prometheus text scrape declares with a # TYPE line.</summary>
    public static IReadOnlySet<string> Declared(string scrape) => DeclaredTypes(scrape).Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>Family name to its declared type (counter, gauge, histogram, ...).</summary>
    public static IReadOnlyDictionary<string, string> DeclaredTypes(string scrape) => scrape.Split('\n')
        .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
        .Select(l => l.Split(' '))
        .ToDictionary(parts => parts[2], parts => parts[3], StringComparer.Ordinal);

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Range();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.$])(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifier();

    [GeneratedRegex("_(?:bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();
}
