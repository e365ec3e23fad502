using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine.Backend;
using LocalLlm.ModelForge.Gguf;
using LocalLlm.ModelForge.Tokenization;

namespace LocalLlm.ModelForge.Tests;

/// <summary>Forged files as llama.cpp sees them: loading, decoding and generating.</summary>
public sealed class LlamaCppCompatibilityTests(ForgedModels models) : IClassFixture<ForgedModels>
{
    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public void Load_TestSpecs_InfoMatchesSpec(string architecture)
    {
        var spec = architecture == TinyModelSpec.Llama ? TinyModelSpec.TestLlama : TinyModelSpec.Test;
        var vocabulary = ByteLevelBpeVocabulary.Create(
            architecture == TinyModelSpec.Llama ? VocabularyStyle.Llama3 : VocabularyStyle.ChatMl, spec.VocabularySize);

        using var backend = ForgedModels.Load(models.PathOf(architecture));
        var info = backend.Info;

        Assert.Equal(architecture, info.Architecture);
        Assert.Equal(spec.VocabularySize, info.VocabularySize);
        Assert.Equal(spec.ContextLength, info.TrainContextLength);
        Assert.Equal(spec.ParameterCount, info.ParameterCount);
        Assert.Equal(vocabulary.ChatTemplate, info.ChatTemplate);
        Assert.Equal(vocabulary.BosId, backend.Tokenizer.BosToken);
        Assert.True(backend.Tokenizer.IsEndOfGeneration(vocabulary.EosId));
    }

    [Theory]
    [InlineData(TinyModelSpec.Qwen3, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")]
    [InlineData(TinyModelSpec.Llama, "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")]
    public void ApplyChatTemplate_ForgedTemplate_RecognisedByLlamaCpp(string architecture, string expectedEnd)
    {
        using var backend = ForgedModels.Load(models.PathOf(architecture));

        var prompt = backend.ApplyChatTemplate([("user", "Hi")], addAssistant: true);

        Assert.NotNull(prompt);
        Assert.EndsWith(expectedEnd, prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokenize_Llama3Style_AddsBosQwen3StyleDoesNot()
    {
        using var llama = ForgedModels.Load(models.Llama);
        using var qwen = ForgedModels.Load(models.Qwen3);

        Assert.Equal(llama.Tokenizer.BosToken, llama.Tokenizer.Tokenize("Hello", addSpecial: true, parseSpecial: false)[0]);
        Assert.Equal(
            qwen.Tokenizer.Tokenize("Hello", addSpecial: false, parseSpecial: false),
            qwen.Tokenizer.Tokenize("Hello", addSpecial: true, parseSpecial: false));
    }

    [Theory]
    [InlineData(TinyModelSpec.Qwen3, "<|im_start|>user\nWhat is the weather in Paris?<|im_end|>\n<|im_start|>assistant\n")]
    [InlineData(TinyModelSpec.Llama, "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is the weather?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")]
    public void Generate_Greedy_DecodesAndWandersInsteadOfLooping(string architecture, string prompt)
    {
        using var backend = ForgedModels.Load(models.PathOf(architecture));
        using var sampler = backend.CreateSampler(SamplingParams.Greedy);
        var tokens = backend.Tokenizer.Tokenize(prompt, addSpecial: false, parseSpecial: true);

        Assert.Equal(DecodeStatus.Ok, backend.Decode(tokens.Select((t, i) => new BatchToken(t, i, 0, i == tokens.Length - 1)).ToArray()));
        var generated = new List<int>();
        var next = sampler.Sample(tokens.Length - 1);
        for (var step = 0; step < 96; step++)
        {
            generated.Add(next);
            sampler.Accept(next);
            Assert.Equal(DecodeStatus.Ok, backend.Decode([new BatchToken(next, tokens.Length + step, 0, WantLogits: true)]));
            next = sampler.Sample(0);
        }

        // Measured: 200 greedy tokens hold 150+ distinct ones with no run longer than 5; NaN logits would collapse this.
        var longestRun = generated.Select((t, i) => generated.Skip(i).TakeWhile(u => u == t).Count()).Max();
        Assert.True(generated.Distinct().Count() >= 40, $"Only {generated.Distinct().Count()} distinct tokens in 96.");
        Assert.True(longestRun <= 8, $"A token repeated {longestRun} times in a row.");
    }

    [Theory]
    [InlineData(ForgeQuantization.Q4_K_M, 15u)]
    [InlineData(ForgeQuantization.Q8_0, 7u)]
    public void GetOrCreate_QuantizedTestSpec_SmallerFileThatLoadsAndDecodes(ForgeQuantization quantization, uint fileType)
    {
        var path = ForgeCache.GetOrCreate(TinyModelSpec.Test, quantization, models.CacheDirectory);
        var file = GgufReader.Read(path);

        Assert.Equal(fileType, file.Metadata["general.file_type"].As<uint>());
        Assert.True(file.FileLength < new FileInfo(models.Qwen3).Length / 2);
        Assert.Contains(file.Tensors, t => t.Type is not GgmlType.F32 and not GgmlType.F16);
        AssertDecodes(path);
    }

    [Fact]
    public void GetOrCreate_DemoSpecQ4KM_UsesKQuantBlocksAndDecodes()
    {
        // The Test spec's 64-wide rows cannot hold 256-element K-quant blocks; the Demo spec's 256-wide rows can.
        var path = ForgeCache.GetOrCreate(TinyModelSpec.Demo, ForgeQuantization.Q4_K_M, models.CacheDirectory);
        var file = GgufReader.Read(path);

        Assert.Contains(file.Tensors, t => t.Type == GgmlType.Q4_K);
        Assert.True(file.FileLength < TinyModelSpec.Demo.ParameterCount * 4 / 5);
        AssertDecodes(path);
    }

    private static void AssertDecodes(string path)
    {
        using var backend = ForgedModels.Load(path);
        using var sampler = backend.CreateSampler(SamplingParams.Greedy);
        var tokens = backend.Tokenizer.Tokenize("Hello there, how are you?", addSpecial: true, parseSpecial: false);

        Assert.Equal(DecodeStatus.Ok, backend.Decode(tokens.Select((t, i) => new BatchToken(t, i, 0, i == tokens.Length - 1)).ToArray()));
        Assert.InRange(sampler.Sample(tokens.Length - 1), 0, backend.Info.VocabularySize - 1);
    }
}
