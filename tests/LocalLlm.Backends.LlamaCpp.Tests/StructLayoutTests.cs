using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LocalLlm.Backends.LlamaCpp.Native;

namespace LocalLlm.Backends.LlamaCpp.Tests;

/// <summary>Sizes and offsets of the bound structs, as laid out by the C compiler for llama.h v0.5.0 on x86-64.</summary>
public sealed class StructLayoutTests
{
    [Theory]
    [InlineData(typeof(LlamaModelParams), 80)]
    [InlineData(typeof(LlamaContextParams), 160)]
    [InlineData(typeof(LlamaBatch), 56)]
    [InlineData(typeof(LlamaModelQuantizeParams), 64)]
    [InlineData(typeof(LlamaTokenData), 12)]
    [InlineData(typeof(LlamaTokenDataArray), 32)]
    [InlineData(typeof(LlamaLogitBias), 8)]
    [InlineData(typeof(LlamaSamplerChainParams), 1)]
    [InlineData(typeof(LlamaChatMessage), 16)]
    [InlineData(typeof(LlamaToken), 4)]
    [InlineData(typeof(SeqId), 4)]
    [InlineData(typeof(LlamaPos), 4)]
    [InlineData(typeof(CBool), 1)]
    public void SizeOf_NativeStruct_MatchesHeader(Type type, int expected)
    {
        Assert.Equal(expected, Marshal.SizeOf(type));
        var managedSize = (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
        Assert.Equal(expected, managedSize);
    }

    [Theory]
    [InlineData(nameof(LlamaModelParams.Devices), 0)]
    [InlineData(nameof(LlamaModelParams.TensorBuftOverrides), 8)]
    [InlineData(nameof(LlamaModelParams.NGpuLayers), 16)]
    [InlineData(nameof(LlamaModelParams.SplitMode), 20)]
    [InlineData(nameof(LlamaModelParams.LoadMode), 24)]
    [InlineData(nameof(LlamaModelParams.LazyMode), 28)]
    [InlineData(nameof(LlamaModelParams.MainGpu), 32)]
    [InlineData(nameof(LlamaModelParams.TensorSplit), 40)]
    [InlineData(nameof(LlamaModelParams.ProgressCallback), 48)]
    [InlineData(nameof(LlamaModelParams.ProgressCallbackUserData), 56)]
    [InlineData(nameof(LlamaModelParams.KvOverrides), 64)]
    [InlineData(nameof(LlamaModelParams.VocabOnly), 72)]
    [InlineData(nameof(LlamaModelParams.CheckTensors), 73)]
    [InlineData(nameof(LlamaModelParams.UseExtraBufts), 74)]
    [InlineData(nameof(LlamaModelParams.NoHost), 75)]
    [InlineData(nameof(LlamaModelParams.NoAlloc), 76)]
    [InlineData(nameof(LlamaModelParams.LoadMtp), 77)]
    public void OffsetOf_ModelParamsField_MatchesHeader(string field, int expected)
        => Assert.Equal(expected, (int)Marshal.OffsetOf<LlamaModelParams>(field));

    [Theory]
    [InlineData(nameof(LlamaContextParams.NCtx), 0)]
    [InlineData(nameof(LlamaContextParams.NBatch), 4)]
    [InlineData(nameof(LlamaContextParams.NUbatch), 8)]
    [InlineData(nameof(LlamaContextParams.NSeqMax), 12)]
    [InlineData(nameof(LlamaContextParams.NRsSeq), 16)]
    [InlineData(nameof(LlamaContextParams.NOutputsMax), 20)]
    [InlineData(nameof(LlamaContextParams.NOutputsMaxPerSeq), 24)]
    [InlineData(nameof(LlamaContextParams.NThreads), 28)]
    [InlineData(nameof(LlamaContextParams.NThreadsBatch), 32)]
    [InlineData(nameof(LlamaContextParams.CtxType), 36)]
    [InlineData(nameof(LlamaContextParams.RopeScalingType), 40)]
    [InlineData(nameof(LlamaContextParams.PoolingType), 44)]
    [InlineData(nameof(LlamaContextParams.AttentionType), 48)]
    [InlineData(nameof(LlamaContextParams.FlashAttnType), 52)]
    [InlineData(nameof(LlamaContextParams.RopeFreqBase), 56)]
    [InlineData(nameof(LlamaContextParams.YarnOrigCtx), 80)]
    [InlineData(nameof(LlamaContextParams.DefragThold), 84)]
    [InlineData(nameof(LlamaContextParams.CbEval), 88)]
    [InlineData(nameof(LlamaContextParams.CbEvalUserData), 96)]
    [InlineData(nameof(LlamaContextParams.TypeK), 104)]
    [InlineData(nameof(LlamaContextParams.TypeV), 108)]
    [InlineData(nameof(LlamaContextParams.AbortCallback), 112)]
    [InlineData(nameof(LlamaContextParams.AbortCallbackData), 120)]
    [InlineData(nameof(LlamaContextParams.Embeddings), 128)]
    [InlineData(nameof(LlamaContextParams.OffloadKqv), 129)]
    [InlineData(nameof(LlamaContextParams.NoPerf), 130)]
    [InlineData(nameof(LlamaContextParams.OpOffload), 131)]
    [InlineData(nameof(LlamaContextParams.SwaFull), 132)]
    [InlineData(nameof(LlamaContextParams.KvUnified), 133)]
    [InlineData(nameof(LlamaContextParams.Samplers), 136)]
    [InlineData(nameof(LlamaContextParams.NSamplers), 144)]
    [InlineData(nameof(LlamaContextParams.CtxOther), 152)]
    public void OffsetOf_ContextParamsField_MatchesHeader(string field, int expected)
        => Assert.Equal(expected, (int)Marshal.OffsetOf<LlamaContextParams>(field));

    [Theory]
    [InlineData(nameof(LlamaBatch.NTokens), 0)]
    [InlineData(nameof(LlamaBatch.Token), 8)]
    [InlineData(nameof(LlamaBatch.Embd), 16)]
    [InlineData(nameof(LlamaBatch.Pos), 24)]
    [InlineData(nameof(LlamaBatch.NSeqId), 32)]
    [InlineData(nameof(LlamaBatch.SeqIds), 40)]
    [InlineData(nameof(LlamaBatch.Logits), 48)]
    public void OffsetOf_BatchField_MatchesHeader(string field, int expected)
        => Assert.Equal(expected, (int)Marshal.OffsetOf<LlamaBatch>(field));

    [Theory]
    [InlineData(nameof(LlamaModelQuantizeParams.NThread), 0)]
    [InlineData(nameof(LlamaModelQuantizeParams.FType), 4)]
    [InlineData(nameof(LlamaModelQuantizeParams.OutputTensorType), 8)]
    [InlineData(nameof(LlamaModelQuantizeParams.TokenEmbeddingType), 12)]
    [InlineData(nameof(LlamaModelQuantizeParams.AllowRequantize), 16)]
    [InlineData(nameof(LlamaModelQuantizeParams.QuantizeOutputTensor), 17)]
    [InlineData(nameof(LlamaModelQuantizeParams.OnlyCopy), 18)]
    [InlineData(nameof(LlamaModelQuantizeParams.Pure), 19)]
    [InlineData(nameof(LlamaModelQuantizeParams.KeepSplit), 20)]
    [InlineData(nameof(LlamaModelQuantizeParams.DryRun), 21)]
    [InlineData(nameof(LlamaModelQuantizeParams.Imatrix), 24)]
    [InlineData(nameof(LlamaModelQuantizeParams.KvOverrides), 32)]
    [InlineData(nameof(LlamaModelQuantizeParams.TtOverrides), 40)]
    [InlineData(nameof(LlamaModelQuantizeParams.PruneLayers), 48)]
    [InlineData(nameof(LlamaModelQuantizeParams.MaxBufSize), 56)]
    public void OffsetOf_QuantizeParamsField_MatchesHeader(string field, int expected)
        => Assert.Equal(expected, (int)Marshal.OffsetOf<LlamaModelQuantizeParams>(field));

    [Fact]
    public void OffsetOf_TokenDataAndArrayFields_MatchHeader()
    {
        Assert.Equal(0, (int)Marshal.OffsetOf<LlamaTokenData>(nameof(LlamaTokenData.Id)));
        Assert.Equal(4, (int)Marshal.OffsetOf<LlamaTokenData>(nameof(LlamaTokenData.Logit)));
        Assert.Equal(8, (int)Marshal.OffsetOf<LlamaTokenData>(nameof(LlamaTokenData.P)));
        Assert.Equal(8, (int)Marshal.OffsetOf<LlamaTokenDataArray>(nameof(LlamaTokenDataArray.Size)));
        Assert.Equal(16, (int)Marshal.OffsetOf<LlamaTokenDataArray>(nameof(LlamaTokenDataArray.Selected)));
        Assert.Equal(24, (int)Marshal.OffsetOf<LlamaTokenDataArray>(nameof(LlamaTokenDataArray.Sorted)));
        Assert.Equal(4, (int)Marshal.OffsetOf<LlamaLogitBias>(nameof(LlamaLogitBias.Bias)));
        Assert.Equal(8, (int)Marshal.OffsetOf<LlamaChatMessage>(nameof(LlamaChatMessage.Content)));
    }
}
