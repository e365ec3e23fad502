using LocalLlm.Backends.LlamaCpp.Native;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.LlamaCpp.Tests;

public sealed class QuantizerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("llama-quantize-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Quantize_ToQ4KM_ProducesSmallerLoadableModel()
    {
        var output = Path.Combine(_directory, "q4km.gguf");

        LlamaQuantizer.Quantize(TestModel.Path, output, LlamaFileType.MostlyQ4_K_M, threads: 2);

        Assert.True(new FileInfo(output).Length < new FileInfo(TestModel.Path).Length / 3);
        using var backend = TestModel.Load(path: output);
        Assert.Equal(LlamaFileType.MostlyQ4_K_M, LlamaNative.llama_model_ftype(backend.Model));
        var prompt = backend.Tokenizer.Tokenize("hello world", addSpecial: false, parseSpecial: false);
        Assert.Equal(DecodeStatus.Ok, backend.Decode(DecodeTests.Prompt(prompt, 0)));
        Assert.All(backend.GetLogits(prompt.Length - 1).ToArray(), l => Assert.True(float.IsFinite(l)));
    }

    [Fact]
    public void Quantize_MissingInput_ThrowsFileNotFound()
        => Assert.Throws<FileNotFoundException>(
            () => LlamaQuantizer.Quantize(Path.Combine(_directory, "missing.gguf"), Path.Combine(_directory, "out.gguf"), LlamaFileType.MostlyQ8_0));

    [Fact]
    public void Quantize_NotAGguf_ThrowsWithNativeReason()
    {
        var input = Path.Combine(_directory, "garbage.gguf");
        File.WriteAllBytes(input, new byte[4096]);

        var error = Assert.Throws<LlamaException>(
            () => LlamaQuantizer.Quantize(input, Path.Combine(_directory, "out.gguf"), LlamaFileType.MostlyQ8_0));

        Assert.Contains("garbage.gguf", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantize_SameInputAndOutput_Throws()
        => Assert.Throws<ArgumentException>(() => LlamaQuantizer.Quantize(TestModel.Path, TestModel.Path, LlamaFileType.MostlyQ8_0));
}
