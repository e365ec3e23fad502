using LocalLlm.Backends.LlamaCpp;
using LocalLlm.ModelForge;
using LocalLlm.ModelForge.Onnx;

namespace LocalLlm.Backends.Onnx.Tests;

/// <summary>
/// The forged test models in both formats (same spec, same weights). One compute thread each: xunit runs test
/// classes in parallel on few cores, and more threads per model only make them wait on each other.
/// </summary>
internal static class TestModels
{
    public static TinyModelSpec Spec(string architecture) => architecture == TinyModelSpec.Llama ? TinyModelSpec.TestLlama : TinyModelSpec.Test;

    /// <summary>The corpus-fitted twins of <see cref="Spec"/>'s models (see <see cref="ForgeWeights.CorpusBigram"/>).</summary>
    public static TinyModelSpec FittedSpec(string architecture) =>
        architecture == TinyModelSpec.Llama ? TinyModelSpec.TestLlamaFitted : TinyModelSpec.TestFitted;

    public static string OnnxFolder(string architecture, OnnxPrecision precision = OnnxPrecision.Fp32) =>
        ForgeCache.GetOrCreateOnnx(Spec(architecture), precision);

    public static OnnxBackend LoadOnnx(
        string architecture = TinyModelSpec.Qwen3, OnnxPrecision precision = OnnxPrecision.Fp32, int maxSequences = 4, int sequenceLength = 512, int batchTokens = 512)
        => LoadOnnx(Spec(architecture), precision, maxSequences, sequenceLength, batchTokens);

    public static OnnxBackend LoadOnnx(TinyModelSpec spec, OnnxPrecision precision, int maxSequences = 4, int sequenceLength = 512, int batchTokens = 512)
        => OnnxBackend.Load(new OnnxBackendOptions
        {
            ModelPath = ForgeCache.GetOrCreateOnnx(spec, precision),
            MaxSequences = maxSequences,
            SequenceLength = sequenceLength,
            MaxBatchTokens = batchTokens,
            Threads = 1,
        });

    /// <summary>The GGUF twin on llama.cpp, with a float32 KV cache so its numbers compare with ONNX's float32 ones.</summary>
    public static LlamaCppBackend LoadLlama(string architecture = TinyModelSpec.Qwen3, int maxSequences = 4, int contextSize = 2048, int batchSize = 512)
        => LlamaCppBackend.Load(new LlamaCppOptions
        {
            ModelPath = ForgeCache.GetOrCreate(Spec(architecture)),
            ContextSize = contextSize,
            MaxSequences = maxSequences,
            BatchSize = batchSize,
            Threads = 1,
            CacheTypeK = KvCacheType.F32,
            CacheTypeV = KvCacheType.F32,
        });
}
