using LocalLlm.ModelForge.Gguf;

namespace LocalLlm.ModelForge.Tests;

public sealed class ForgeCacheTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void GetOrCreate_SecondCall_ReturnsSameFileWithoutRewriting()
    {
        var path = ForgeCache.GetOrCreate(TinyModelSpec.Test, ForgeQuantization.None, _temp.Path);
        var written = File.GetLastWriteTimeUtc(path);

        var again = ForgeCache.GetOrCreate(TinyModelSpec.Test, ForgeQuantization.None, _temp.Path);

        Assert.Equal(path, again);
        Assert.Equal(written, File.GetLastWriteTimeUtc(again));
        Assert.Equal(Path.Combine(_temp.Path, ForgeCache.FileName(TinyModelSpec.Test, ForgeQuantization.None)), path);
        Assert.Equal(TinyModelSpec.Test.VocabularySize, GgufReader.Read(path).Metadata["tokenizer.ggml.tokens"].ArrayLength);
    }

    [Fact]
    public void GetOrCreate_ConcurrentCallers_AllGetOneCompleteFile()
    {
        var spec = TinyModelSpec.Test with { Seed = 4242, BlockCount = 6 };

        var paths = Enumerable.Range(0, 6)
            .AsParallel().WithDegreeOfParallelism(6)
            .Select(_ => ForgeCache.GetOrCreate(spec, ForgeQuantization.None, _temp.Path))
            .ToArray();

        Assert.Single(paths.Distinct());
        Assert.Equal(spec.ParameterCount, GgufReader.Read(paths[0]).Tensors.Sum(t => t.ElementCount));
        var leftovers = Directory.GetFiles(_temp.Path).Select(Path.GetFileName).Where(n => !n!.EndsWith(".gguf", StringComparison.Ordinal) && !n.EndsWith(".lock", StringComparison.Ordinal));
        Assert.Empty(leftovers);
    }

    [Fact]
    public void FileName_AnyPropertyOrQuantizationChanged_Differs()
    {
        var baseline = TinyModelSpec.Test;
        TinyModelSpec[] variants =
        [
            baseline with { Architecture = TinyModelSpec.Llama },
            baseline with { VocabularySize = 2049 },
            baseline with { EmbeddingLength = 128 },
            baseline with { BlockCount = 3 },
            baseline with { HeadCount = 8 },
            baseline with { HeadCountKv = 4 },
            baseline with { HeadDim = 16 },
            baseline with { FeedForwardLength = 256 },
            baseline with { ContextLength = 8192 },
            baseline with { RopeFreqBase = 10_000f },
            baseline with { RmsEps = 1e-5f },
            baseline with { TiedEmbeddings = false },
            baseline with { WeightType = ForgeWeightType.F16 },
            baseline with { Seed = 2 },
            baseline with { Name = "Other" },
        ];

        var names = variants.Select(v => ForgeCache.FileName(v, ForgeQuantization.None))
            .Append(ForgeCache.FileName(baseline, ForgeQuantization.None))
            .Append(ForgeCache.FileName(baseline, ForgeQuantization.Q8_0))
            .Append(ForgeCache.FileName(baseline, ForgeQuantization.Q4_K_M))
            .ToArray();

        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ForgeCache.FileName(baseline, ForgeQuantization.None), ForgeCache.FileName(baseline with { }, ForgeQuantization.None));
        Assert.StartsWith("localllm-forge-test-f32-", ForgeCache.FileName(baseline, ForgeQuantization.None), StringComparison.Ordinal);
        Assert.Contains("-q4_k_m-", ForgeCache.FileName(baseline, ForgeQuantization.Q4_K_M), StringComparison.Ordinal);
    }

    [Fact]
    public void GetOrCreate_InvalidSpec_ThrowsWithoutTouchingCache()
    {
        Assert.Throws<ArgumentException>(() => ForgeCache.GetOrCreate(TinyModelSpec.Test with { HeadCountKv = 3 }, ForgeQuantization.None, _temp.Path));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }
}

[Collection(nameof(EnvironmentCollection))]
public sealed class ForgeCacheDirectoryTests
{
    [Fact]
    public void CacheDirectory_VariableSetOrNot_UsesItOrHomeCache()
    {
        var previous = Environment.GetEnvironmentVariable(ForgeCache.DirectoryVariable);
        try
        {
            Environment.SetEnvironmentVariable(ForgeCache.DirectoryVariable, "/tmp/forge-cache-test/relative/..");
            Assert.Equal("/tmp/forge-cache-test", ForgeCache.CacheDirectory);

            Environment.SetEnvironmentVariable(ForgeCache.DirectoryVariable, null);
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.Equal(Path.Combine(home, ".cache", "localllm", "forge"), ForgeCache.CacheDirectory);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ForgeCache.DirectoryVariable, previous);
        }
    }
}

/// <summary>Tests that change process environment variables run alone.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;
