using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace LocalLlm.Server.Tests.Hosting;

public sealed class ServerOptionsTests
{
    [Fact]
    public void FromConfiguration_LlamaServerShortFlagsAndBareSwitch_ReadAsLongOptions()
    {
        string[] args = ServerOptions.ExpandSwitches(["-m", "/models/q.gguf", "-c", "16384", "-np", "4", "--no-prefix-caching", "--block-size", "32"]);
        IConfiguration configuration = new ConfigurationBuilder().AddCommandLine(args).Build();

        ServerOptions options = ServerOptions.FromConfiguration(configuration);

        Assert.Equal("/models/q.gguf", options.ModelPath);
        Assert.Equal(16384, options.ContextSize);
        Assert.Equal(4, options.Parallel);
        Assert.Equal(32, options.BlockSize);
        Assert.True(options.DisablePrefixCaching);
    }

    [Fact]
    public void FromConfiguration_NonPositiveNumber_ThrowsNamingTheFlag()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddCommandLine(["--parallel", "0"]).Build();

        var error = Assert.Throws<InvalidOperationException>(() => ServerOptions.FromConfiguration(configuration));

        Assert.Contains("--parallel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_MaxBodySize_ReadsBytesAndDefaultsTo16MiB()
    {
        IConfiguration given = new ConfigurationBuilder().AddCommandLine(["--max-body-size", "5000000000"]).Build();
        IConfiguration absent = new ConfigurationBuilder().Build();

        Assert.Equal(5_000_000_000L, ServerOptions.FromConfiguration(given).MaxBodySize);
        Assert.Equal(16L * 1024 * 1024, ServerOptions.FromConfiguration(absent).MaxBodySize);
    }

    [Theory]
    [InlineData("0.1", 0.1)]
    [InlineData("0", 0.0)]
    [InlineData(null, 1.0)]
    public void FromConfiguration_PrefixCacheIdle_ReadsTheFractionAndDefaultsToUnbounded(string? given, double expected)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddCommandLine(given is null ? [] : ["--prefix-cache-idle", given]).Build();

        Assert.Equal(expected, ServerOptions.FromConfiguration(configuration).PrefixCacheIdle);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("half")]
    public void FromConfiguration_PrefixCacheIdleOutsideZeroToOne_ThrowsNamingTheFlag(string given)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddCommandLine(["--prefix-cache-idle", given]).Build();

        var error = Assert.Throws<InvalidOperationException>(() => ServerOptions.FromConfiguration(configuration));

        Assert.Contains("--prefix-cache-idle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromConfiguration_LlamaServerAttentionFlags_ReadModeAndCacheTypes()
    {
        string[] args = ServerOptions.ExpandSwitches(["-fa", "off", "-ctk", "f32", "-ctv", "Q8_0"]);
        IConfiguration configuration = new ConfigurationBuilder().AddCommandLine(args).Build();

        ServerOptions options = ServerOptions.FromConfiguration(configuration);

        Assert.Equal(FlashAttention.Off, options.FlashAttention);
        Assert.Equal(KvCacheType.F32, options.CacheTypeK);
        Assert.Equal(KvCacheType.Q8_0, options.CacheTypeV);
        Assert.Null(ServerOptions.FromConfiguration(new ConfigurationBuilder().Build()).FlashAttention);
    }

    [Theory]
    [InlineData("--flash-attn", "sometimes")]
    [InlineData("--cache-type-k", "q4_k")]
    [InlineData("--cache-type-v", "f64")]
    public void FromConfiguration_UnknownAttentionValue_ThrowsNamingTheFlag(string flag, string value)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddCommandLine([flag, value]).Build();

        var error = Assert.Throws<InvalidOperationException>(() => ServerOptions.FromConfiguration(configuration));

        Assert.Contains(flag, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }
}
