using LocalLlm.Backends.LlamaCpp.Native;

namespace LocalLlm.Backends.LlamaCpp.Tests;

/// <summary>
/// Round trips of llama.cpp's default-parameter functions: the values come from llama-model.cpp, llama-context.cpp and
/// llama-quant.cpp of v0.5.0, so a shifted field reads a neighbour's value and fails here.
/// </summary>
public sealed class NativeDefaultsTests
{
    public NativeDefaultsTests() => LlamaLibrary.EnsureLoaded();

    [Fact]
    public void ModelDefaultParams_RoundTrip_HasSourceDefaults()
    {
        var p = LlamaNative.llama_model_default_params();

        Assert.Equal(0, p.Devices);
        Assert.Equal(0, p.TensorBuftOverrides);
        Assert.Equal(-1, p.NGpuLayers);
        Assert.Equal(LlamaSplitMode.Layer, p.SplitMode);
        Assert.Equal(LlamaLoadMode.Auto, p.LoadMode);
        Assert.Equal(LlamaLazyMode.Auto, p.LazyMode);
        Assert.Equal(0, p.MainGpu);
        Assert.Equal(0, p.KvOverrides);
        Assert.False(p.VocabOnly);
        Assert.False(p.CheckTensors);
        Assert.True(p.UseExtraBufts);
        Assert.False(p.NoHost);
        Assert.False(p.NoAlloc);
        Assert.False(p.LoadMtp);
    }

    [Fact]
    public unsafe void ContextDefaultParams_RoundTrip_HasSourceDefaults()
    {
        var p = LlamaNative.llama_context_default_params();

        Assert.Equal(512u, p.NCtx);
        Assert.Equal(2048u, p.NBatch);
        Assert.Equal(512u, p.NUbatch);
        Assert.Equal(1u, p.NSeqMax);
        Assert.Equal(0u, p.NRsSeq);
        Assert.Equal(0u, p.NOutputsMax);
        Assert.Equal(1u, p.NOutputsMaxPerSeq);
        Assert.Equal(4, p.NThreads);
        Assert.Equal(4, p.NThreadsBatch);
        Assert.Equal(LlamaContextType.Default, p.CtxType);
        Assert.Equal(LlamaRopeScalingType.Unspecified, p.RopeScalingType);
        Assert.Equal(LlamaPoolingType.Unspecified, p.PoolingType);
        Assert.Equal(LlamaAttentionType.Unspecified, p.AttentionType);
        Assert.Equal(LlamaFlashAttnType.Auto, p.FlashAttnType);
        Assert.Equal(0f, p.RopeFreqBase);
        Assert.Equal(0f, p.RopeFreqScale);
        Assert.Equal(-1f, p.YarnExtFactor);
        Assert.Equal(-1f, p.YarnAttnFactor);
        Assert.Equal(-1f, p.YarnBetaFast);
        Assert.Equal(-1f, p.YarnBetaSlow);
        Assert.Equal(0u, p.YarnOrigCtx);
        Assert.Equal(-1f, p.DefragThold);
        Assert.Equal(0, p.CbEval);
        Assert.Equal(GgmlType.F16, p.TypeK);
        Assert.Equal(GgmlType.F16, p.TypeV);
        Assert.True(p.AbortCallback is null);
        Assert.False(p.Embeddings);
        Assert.True(p.OffloadKqv);
        Assert.True(p.NoPerf);
        Assert.True(p.OpOffload);
        Assert.True(p.SwaFull);
        Assert.False(p.KvUnified);
        Assert.Equal(0, p.Samplers);
        Assert.Equal(0u, p.NSamplers);
        Assert.Equal(0, p.CtxOther);
    }

    [Fact]
    public void QuantizeDefaultParams_RoundTrip_HasSourceDefaults()
    {
        var p = LlamaNative.llama_model_quantize_default_params();

        Assert.Equal(0, p.NThread);
        Assert.Equal(LlamaFileType.MostlyQ8_0, p.FType);
        Assert.Equal(GgmlType.Count, p.OutputTensorType);
        Assert.Equal(GgmlType.Count, p.TokenEmbeddingType);
        Assert.False(p.AllowRequantize);
        Assert.True(p.QuantizeOutputTensor);
        Assert.False(p.OnlyCopy);
        Assert.False(p.Pure);
        Assert.False(p.KeepSplit);
        Assert.False(p.DryRun);
        Assert.Equal(0, p.Imatrix);
        Assert.Equal(0, p.KvOverrides);
        Assert.Equal(0, p.TtOverrides);
        Assert.Equal(0, p.PruneLayers);
        Assert.Equal(8UL * 1024 * 1024 * 1024, (ulong)p.MaxBufSize);
    }

    [Fact]
    public void SamplerChainDefaultParams_RoundTrip_SkipsPerformanceTimings()
        => Assert.True(LlamaNative.llama_sampler_chain_default_params().NoPerf);

    [Fact]
    public void MaxParallelSequences_Query_Is256()
        => Assert.Equal((nuint)256, LlamaNative.llama_max_parallel_sequences());
}
