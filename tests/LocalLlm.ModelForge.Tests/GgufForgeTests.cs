using System.Security.Cryptography;
using LocalLlm.ModelForge.Gguf;

namespace LocalLlm.ModelForge.Tests;

public sealed class GgufForgeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Write_TestSpec_HasQwen3MetadataTokenizerAndTensors()
    {
        var spec = TinyModelSpec.Test;
        var forged = GgufForge.Write(spec, _temp.File("test.gguf"));
        var file = GgufReader.Read(forged.Path);
        var kv = file.Metadata;

        Assert.Equal("qwen3", kv["general.architecture"].As<string>());
        Assert.Equal(spec.Name, kv["general.name"].As<string>());
        Assert.Equal(0u, kv["general.file_type"].As<uint>());
        Assert.Equal(2u, kv["qwen3.block_count"].As<uint>());
        Assert.Equal(4096u, kv["qwen3.context_length"].As<uint>());
        Assert.Equal(64u, kv["qwen3.embedding_length"].As<uint>());
        Assert.Equal(128u, kv["qwen3.feed_forward_length"].As<uint>());
        Assert.Equal(4u, kv["qwen3.attention.head_count"].As<uint>());
        Assert.Equal(2u, kv["qwen3.attention.head_count_kv"].As<uint>());
        Assert.Equal(32u, kv["qwen3.attention.key_length"].As<uint>());
        Assert.Equal(32u, kv["qwen3.attention.value_length"].As<uint>());
        Assert.Equal(1_000_000f, kv["qwen3.rope.freq_base"].As<float>());
        Assert.Equal(1e-6f, kv["qwen3.attention.layer_norm_rms_epsilon"].As<float>());

        Assert.Equal("gpt2", kv["tokenizer.ggml.model"].As<string>());
        Assert.Equal("qwen2", kv["tokenizer.ggml.pre"].As<string>());
        var tokens = kv["tokenizer.ggml.tokens"].AsArray<string>();
        Assert.Equal(spec.VocabularySize, tokens.Length);
        Assert.Equal(tokens.Length, kv["tokenizer.ggml.token_type"].AsArray<int>().Length);
        Assert.NotEmpty(kv["tokenizer.ggml.merges"].AsArray<string>());
        Assert.Equal("<|im_end|>", tokens[kv["tokenizer.ggml.eos_token_id"].As<uint>()]);
        Assert.Equal("<|endoftext|>", tokens[kv["tokenizer.ggml.bos_token_id"].As<uint>()]);
        Assert.Equal("<|endoftext|>", tokens[kv["tokenizer.ggml.padding_token_id"].As<uint>()]);
        Assert.False(kv["tokenizer.ggml.add_bos_token"].As<bool>());
        Assert.StartsWith("{%- if tools %}", kv["tokenizer.chat_template"].As<string>(), StringComparison.Ordinal);

        // Tied: no output matrix; shapes are ggml order {in, out}.
        Assert.DoesNotContain(file.Tensors, t => t.Name == "output.weight");
        Assert.Equal([64L, 2048L], file.Tensor("token_embd.weight").Shape);
        Assert.Equal([64L, 128L], file.Tensor("blk.1.attn_q.weight").Shape);
        Assert.Equal([64L, 64L], file.Tensor("blk.1.attn_k.weight").Shape);
        Assert.Equal([128L, 64L], file.Tensor("blk.1.attn_output.weight").Shape);
        Assert.Equal([32L], file.Tensor("blk.0.attn_q_norm.weight").Shape);
        Assert.Equal([128L, 64L], file.Tensor("blk.0.ffn_down.weight").Shape);
        Assert.Equal(2 + 2 * 11, file.Tensors.Count);
        Assert.All(file.Tensors, t => Assert.Equal(GgmlType.F32, t.Type));
        Assert.Equal(forged.ParameterCount, file.Tensors.Sum(t => t.ElementCount));
        Assert.Equal(spec.ParameterCount, forged.ParameterCount);
        Assert.Equal(new FileInfo(forged.Path).Length, forged.FileSizeBytes);
    }

    [Fact]
    public void Write_TestLlamaSpec_HasLlamaKeysUntiedOutputAndNoQkNorms()
    {
        var file = GgufReader.Read(GgufForge.Write(TinyModelSpec.TestLlama, _temp.File("llama.gguf")).Path);

        Assert.Equal("llama", file.Metadata["general.architecture"].As<string>());
        Assert.Equal(16u, file.Metadata["llama.rope.dimension_count"].As<uint>());
        Assert.Equal(2048u, file.Metadata["llama.vocab_size"].As<uint>());
        Assert.Equal("llama-bpe", file.Metadata["tokenizer.ggml.pre"].As<string>());
        Assert.True(file.Metadata["tokenizer.ggml.add_bos_token"].As<bool>());
        Assert.Equal([64L, 2048L], file.Tensor("output.weight").Shape);
        Assert.DoesNotContain(file.Tensors, t => t.Name.Contains("_norm.weight", StringComparison.Ordinal) && t.Name.Contains("attn_q", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_SameSpecTwice_ByteIdentical()
    {
        var first = GgufForge.Write(TinyModelSpec.Test, _temp.File("a.gguf"));
        var second = GgufForge.Write(TinyModelSpec.Test, _temp.File("b.gguf"));

        Assert.Equal(Hash(first.Path), Hash(second.Path));
    }

    [Fact]
    public void Write_OtherSeed_SameHeaderDifferentWeights()
    {
        var first = GgufReader.Read(GgufForge.Write(TinyModelSpec.Test, _temp.File("a.gguf")).Path);
        var second = GgufReader.Read(GgufForge.Write(TinyModelSpec.Test with { Seed = 99 }, _temp.File("b.gguf")).Path);

        Assert.Equal(first.Metadata["tokenizer.ggml.merges"], second.Metadata["tokenizer.ggml.merges"]);
        Assert.Equal(first.DataOffset, second.DataOffset);
        Assert.NotEqual(
            first.ReadTensorValues(first.Tensor("blk.0.attn_q.weight")),
            second.ReadTensorValues(second.Tensor("blk.0.attn_q.weight")));
    }

    [Fact]
    public void Write_RandomWeights_CenteredAtPlannedScaleAndNormsConstant()
    {
        var spec = TinyModelSpec.Test;
        var file = GgufReader.Read(GgufForge.Write(spec, _temp.File("w.gguf")).Path);

        var embedding = file.ReadTensorValues(file.Tensor("token_embd.weight"));
        var (mean, std) = Moments(embedding);
        var planned = 0.5 / Math.Sqrt(spec.EmbeddingLength);
        Assert.InRange(mean, -0.01 * planned, 0.01 * planned);
        Assert.InRange(std, 0.98 * planned, 1.02 * planned);
        Assert.All(embedding, v => Assert.True(Math.Abs(v) < 3.5 * planned));

        var down = file.ReadTensorValues(file.Tensor("blk.0.ffn_down.weight"));
        Assert.InRange(Moments(down).Std, 0.95 * 2 / Math.Sqrt(spec.FeedForwardLength), 1.05 * 2 / Math.Sqrt(spec.FeedForwardLength));

        Assert.All(file.ReadTensorValues(file.Tensor("blk.0.attn_norm.weight")), v => Assert.Equal(1f, v));
        Assert.All(file.ReadTensorValues(file.Tensor("blk.0.attn_q_norm.weight")), v => Assert.Equal(4f, v));
        Assert.All(file.ReadTensorValues(file.Tensor("output_norm.weight")), v => Assert.Equal(4f, v));
        Assert.NotEqual(
            file.ReadTensorValues(file.Tensor("blk.0.attn_k.weight")),
            file.ReadTensorValues(file.Tensor("blk.1.attn_k.weight")));
    }

    [Fact]
    public void Write_F16Spec_MatricesHalfNormsSingleAndValuesRounded()
    {
        var f32 = GgufReader.Read(GgufForge.Write(TinyModelSpec.Test, _temp.File("f32.gguf")).Path);
        var f16 = GgufReader.Read(GgufForge.Write(TinyModelSpec.Test with { WeightType = ForgeWeightType.F16 }, _temp.File("f16.gguf")).Path);

        Assert.Equal(1u, f16.Metadata["general.file_type"].As<uint>());
        Assert.Equal(GgmlType.F16, f16.Tensor("token_embd.weight").Type);
        Assert.Equal(GgmlType.F16, f16.Tensor("blk.0.ffn_up.weight").Type);
        Assert.Equal(GgmlType.F32, f16.Tensor("blk.0.ffn_norm.weight").Type);
        Assert.Equal(GgmlType.F32, f16.Tensor("blk.0.attn_k_norm.weight").Type);
        Assert.True(f16.FileLength < f32.FileLength * 0.75);

        // Same stream of random values, rounded to half precision.
        var single = f32.ReadTensorValues(f32.Tensor("blk.1.ffn_gate.weight"));
        Assert.Equal(single.Select(v => (float)(Half)v), f16.ReadTensorValues(f16.Tensor("blk.1.ffn_gate.weight")));
    }

    [Fact]
    public void ParameterCount_Presets_MatchArchitectureArithmetic()
    {
        // token_embd + layers * (norms + q,k,v,o + q/k norms + gate,up,down) + output_norm (+ output).
        static long Qwen3(int vocab, int d, int layers, int heads, int kvHeads, int headDim, int ff, bool tied) =>
            (long)vocab * d * (tied ? 1 : 2) + d
            + (long)layers * (2L * d + 2L * d * heads * headDim + 2L * d * kvHeads * headDim + 2L * headDim + 3L * d * ff);

        Assert.Equal(Qwen3(2048, 64, 2, 4, 2, 32, 128, tied: true), TinyModelSpec.Test.ParameterCount);
        Assert.Equal(Qwen3(8192, 256, 4, 8, 4, 32, 768, tied: true), TinyModelSpec.Demo.ParameterCount);
        Assert.Equal(100_094_208L, TinyModelSpec.Bench100M.ParameterCount);
        Assert.Equal(Qwen3(2048, 64, 2, 4, 2, 16, 128, tied: false) - 2 * 2 * 16, TinyModelSpec.TestLlama.ParameterCount);
    }

    [Theory]
    [InlineData("gpt2", 4, 2, 32)]
    [InlineData("qwen3", 4, 3, 32)]
    [InlineData("qwen3", 4, 2, 31)]
    [InlineData("qwen3", 0, 0, 32)]
    public void Write_InvalidSpec_ThrowsBeforeCreatingFile(string architecture, int heads, int kvHeads, int headDim)
    {
        var spec = TinyModelSpec.Test with { Architecture = architecture, HeadCount = heads, HeadCountKv = kvHeads, HeadDim = headDim };
        var path = _temp.File("bad.gguf");

        Assert.Throws<ArgumentException>(() => GgufForge.Write(spec, path));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Write_OverExistingFile_ReplacesItAndLeavesNoTemporaries()
    {
        var path = _temp.File("model.gguf");
        File.WriteAllText(path, "stale");

        GgufForge.Write(TinyModelSpec.Test, path);

        Assert.Equal("GGUF"u8.ToArray(), File.ReadAllBytes(path)[..4]);
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    private static (double Mean, double Std) Moments(float[] values)
    {
        var mean = values.Average(v => (double)v);
        return (mean, Math.Sqrt(values.Average(v => (v - mean) * (v - mean))));
    }
}
