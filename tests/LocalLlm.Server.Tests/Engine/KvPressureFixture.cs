namespace LocalLlm.Server.Tests.Engine;

/// <summary>A server whose KV cache holds only about eight of the requests the tests send at once.</summary>
public sealed class KvPressureFixture() : ServerFixture(new Dictionary<string, string>
{
    ["parallel"] = Parallel.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["ctx-size"] = KvCells.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["block-size"] = "16",
    ["max-queue"] = "4",
    ["prefill-chunk"] = "128",
})
{
    public new const int Parallel = 64;
    public const int KvCells = 2048;
}

[CollectionDefinition(Name)]
public sealed class KvPressureCollection : ICollectionFixture<KvPressureFixture>
{
    public const string Name = "kv-pressure";
}
