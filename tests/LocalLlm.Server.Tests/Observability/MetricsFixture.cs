namespace LocalLlm.Server.Tests.Observability;

/// <summary>A server of its own, so its counters hold exactly the tests' workload.</summary>
public sealed class MetricsFixture() : ServerFixture(new Dictionary<string, string>
{
    ["alias"] = Model,
    ["parallel"] = "4",
    ["ctx-size"] = "2048",
})
{
    public const string Model = "metrics-test";
}

[CollectionDefinition(Name)]
public sealed class MetricsCollection : ICollectionFixture<MetricsFixture>
{
    public const string Name = "metrics";
}
