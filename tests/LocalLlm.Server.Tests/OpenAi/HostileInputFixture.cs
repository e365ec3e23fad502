using System.Globalization;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>The test server with a small body limit, so requests over it are cheap to send.</summary>
public sealed class HostileInputFixture() : ServerFixture(new Dictionary<string, string>
{
    ["parallel"] = Parallel.ToString(CultureInfo.InvariantCulture),
    ["ctx-size"] = ContextSize.ToString(CultureInfo.InvariantCulture),
    ["max-body-size"] = MaxBodySize.ToString(CultureInfo.InvariantCulture),
})
{
    public const int MaxBodySize = 64 * 1024;
}

[CollectionDefinition(Name)]
public sealed class HostileInputCollection : ICollectionFixture<HostileInputFixture>
{
    public const string Name = "hostile-input";
}
