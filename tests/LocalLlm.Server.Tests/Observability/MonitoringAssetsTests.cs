using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace LocalLlm.Server.Tests.Observability;

/// <summary>The rules file, the dashboard and docs/metrics.md against what the server really exports.</summary>
[Collection(ServerCollection.Name)]
public sealed partial class MonitoringAssetsTests(ServerFixture server)
{
    private static readonly string Root = ServerProcess.RepositoryRoot();

    [Fact]
    public void PromQlNames_FunctionsLabelsRangesAndNumbersAreNotMetrics()
    {
        IReadOnlySet<string> names = PromQl.MetricNames(
            "histogram_quantile(0.99, sum by (model, le) (rate(a_seconds_bucket{model=~\"$model\",x=\"y\"}[$__rate_interval]))) / clamp_min(sum without (le) (b_total offset 5m), 1e-9) and on(model) rec:rule > 3 * stddev_over_time(rec:rule[1h])");

        Assert.Equal(new HashSet<string> { "a_seconds", "b_total", "rec:rule" }, names);
    }

    [Fact]
    public async Task RulesFile_ValidYaml_EveryReferencedMetricIsExported()
    {
        RulesFile rules = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
            .Deserialize<RulesFile>(File.ReadAllText(Path.Combine(Root, "deploy", "monitoring", "localllm-rules.yaml")));
        Rule[] all = rules.Groups.SelectMany(g => g.Rules).ToArray();
        Assert.All(all, r => Assert.True(r.Record is null != (r.Alert is null), $"a rule is either a record or an alert: {r.Expr}"));
        Assert.All(all, r => Assert.False(string.IsNullOrWhiteSpace(r.Expr)));
        Assert.All(all.Where(r => r.Alert is not null), r => Assert.Contains(r.Labels!["severity"], new[] { "info", "warning", "critical" }));

        HashSet<string> recorded = all.Where(r => r.Record is not null).Select(r => r.Record!).ToHashSet(StringComparer.Ordinal);
        IReadOnlySet<string> exported = await ExportedAsync();
        foreach (Rule rule in all)
        {
            foreach (string name in PromQl.MetricNames(rule.Expr))
            {
                Assert.True(recorded.Contains(name) || exported.Contains(name), $"'{name}' in {rule.Record ?? rule.Alert} is neither exported by the server nor recorded in the file");
            }
        }

        // The latency anomaly alert: a recorded p99 outside its own 1 h mean ± 3σ.
        Assert.Contains(all, r => r.Alert is not null && Regex.IsMatch(r.Expr, @"avg_over_time\(localllm:\w+:p99\[1h\]\)")
            && Regex.IsMatch(r.Expr, @"3 \* stddev_over_time\(localllm:\w+:p99\[1h\]\)"));
        Assert.Contains(all, r => r.Alert is not null && r.Expr.Contains("kv_cache_usage", StringComparison.Ordinal));
        Assert.Contains(all, r => r.Alert is not null && r.Expr.Contains("requests_waiting", StringComparison.Ordinal));
        Assert.Contains(all, r => r.Alert is not null && r.Expr.Contains("error_ratio", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_ValidJson_EveryQueriedMetricIsExportedAndTheModelVariableExists()
    {
        using JsonDocument dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "deploy", "monitoring", "localllm-dashboard.json")));
        List<string> expressions = [];
        Collect(dashboard.RootElement, expressions);
        Assert.True(expressions.Count >= 10);

        IReadOnlySet<string> exported = await ExportedAsync();
        HashSet<string> used = expressions.SelectMany(PromQl.MetricNames).ToHashSet(StringComparer.Ordinal);
        Assert.All(used, name => Assert.True(exported.Contains(name), $"the dashboard queries '{name}', which the server does not export"));
        Assert.Superset(
            new HashSet<string>
            {
                "localllm_time_to_first_token_seconds", "localllm_inter_token_latency_seconds", "localllm_requests_waiting",
                "localllm_kv_cache_usage_ratio", "localllm_generation_tokens_total", "localllm_request_success_total",
                "localllm_preemptions_total", "localllm_prefix_cache_hits_total", "localllm_prefix_cache_queries_total",
            },
            used);

        JsonElement variables = dashboard.RootElement.GetProperty("templating").GetProperty("list");
        Assert.Contains(variables.EnumerateArray(), v => v.GetProperty("name").GetString() == "model");
    }

    [Fact]
    public async Task MetricsDoc_EveryNamedMetricIsExported_EveryExportedEngineMetricIsDocumented()
    {
        string doc = File.ReadAllText(Path.Combine(Root, "docs", "metrics.md"));
        HashSet<string> documented = EngineMetricName().Matches(doc).Select(m => PromQl.BaseName(m.Value)).ToHashSet(StringComparer.Ordinal);
        IReadOnlyDictionary<string, string> types = PromQl.DeclaredTypes(await ScrapeAsync());
        IReadOnlySet<string> exported = types.Keys.ToHashSet(StringComparer.Ordinal);
        HashSet<string> engine = exported.Where(n => n.StartsWith("localllm_", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(22, engine.Count);
        Assert.Empty(documented.Except(exported));
        Assert.Empty(engine.Except(documented));
        foreach (string name in engine)
        {
            // A table row: name, the exported type, labels starting with model, meaning, vLLM equivalent.
            Assert.Matches($@"\| `{name}` \| {types[name]} \| `model`[^|\n]* \| [^|\n]+ \| [^|\n]+ \|", doc);
        }
    }

    private async Task<IReadOnlySet<string>> ExportedAsync() => PromQl.Declared(await ScrapeAsync());

    private async Task<string> ScrapeAsync()
    {
        // One API request first, so the HTTP metrics have a series.
        (await server.Http.GetAsync(new Uri("/v1/models", UriKind.Relative))).Dispose();
        return await server.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
    }

    private static void Collect(JsonElement element, List<string> expressions)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Name == "expr")
                {
                    expressions.Add(property.Value.GetString()!);
                }
                else
                {
                    Collect(property.Value, expressions);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray())
            {
                Collect(item, expressions);
            }
        }
    }

    [GeneratedRegex(@"localllm_[a-z0-9_]+")]
    private static partial Regex EngineMetricName();

    internal sealed class RulesFile
    {
        public List<RuleGroup> Groups { get; set; } = [];
    }

    internal sealed class RuleGroup
    {
        public string Name { get; set; } = "";

        public string? Interval { get; set; }

        public List<Rule> Rules { get; set; } = [];
    }

    internal sealed class Rule
    {
        public string? Record { get; set; }

        public string? Alert { get; set; }

        public string Expr { get; set; } = "";

        public string? For { get; set; }

        public Dictionary<string, string>? Labels { get; set; }

        public Dictionary<string, string>? Annotations { get; set; }
    }
}
