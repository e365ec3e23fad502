using LocalLlm.ModelForge.Onnx;

namespace LocalLlm.ModelForge.Tests.Onnx;

public sealed class OnnxForgeCacheTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void GetOrCreateOnnx_ConcurrentCallers_OneCompleteFolderWithoutLeftovers()
    {
        var spec = TinyModelSpec.Test with { Seed = 4243 };

        var paths = Enumerable.Range(0, 4)
            .AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => ForgeCache.GetOrCreateOnnx(spec, OnnxPrecision.Fp32, _temp.Path))
            .ToArray();

        var folder = Assert.Single(paths.Distinct());
        Assert.Equal(Path.Combine(_temp.Path, ForgeCache.OnnxFolderName(spec, OnnxPrecision.Fp32)), folder);
        Assert.Equal(
            ["genai_config.json", "model.onnx", "model.onnx.data", "tokenizer.json", "tokenizer_config.json"],
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([folder], Directory.GetDirectories(_temp.Path));
        var written = File.GetLastWriteTimeUtc(Path.Combine(folder, "model.onnx"));
        Assert.Equal(folder, ForgeCache.GetOrCreateOnnx(spec, OnnxPrecision.Fp32, _temp.Path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(folder, "model.onnx")));
    }

    [Fact]
    public void OnnxFolderName_SpecOrPrecisionChanged_Differs()
    {
        var spec = TinyModelSpec.Test;
        string[] names =
        [
            ForgeCache.OnnxFolderName(spec, OnnxPrecision.Fp32),
            ForgeCache.OnnxFolderName(spec, OnnxPrecision.Fp16),
            ForgeCache.OnnxFolderName(spec, OnnxPrecision.Int8),
            ForgeCache.OnnxFolderName(spec with { Seed = 9 }, OnnxPrecision.Fp32),
            ForgeCache.OnnxFolderName(spec with { RmsEps = 1e-5f }, OnnxPrecision.Fp32),
            ForgeCache.FileName(spec, ForgeQuantization.None),
        ];

        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.StartsWith("localllm-forge-test-onnx-int8-", names[2], StringComparison.Ordinal);
    }

    [Fact]
    public void GetOrCreateOnnx_InvalidSpec_ThrowsWithoutTouchingCache()
    {
        Assert.Throws<ArgumentException>(() => ForgeCache.GetOrCreateOnnx(TinyModelSpec.Test with { HeadCountKv = 3 }, OnnxPrecision.Fp32, _temp.Path));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Path));
    }
}
