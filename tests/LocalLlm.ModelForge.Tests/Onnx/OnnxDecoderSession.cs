using LocalLlm.ModelForge.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LocalLlm.ModelForge.Tests.Onnx;

/// <summary>
/// Runs one sequence through a forged ONNX model as the contract prescribes: one KV buffer per layer and kind of
/// shape <c>[1, kv_heads, max_length, head_dim]</c>, bound as both <c>past_key_values.N.*</c> and <c>present.N.*</c>
/// through <see cref="OrtIoBinding"/>, so every call appends to the same buffers.
/// </summary>
internal sealed class OnnxDecoderSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly TinyModelSpec _spec;
    private readonly bool _half;
    private readonly List<OrtValue> _cache = [];
    private readonly RunOptions _runOptions = new();

    public OnnxDecoderSession(string folder, TinyModelSpec spec, OnnxPrecision precision, int maxLength = 64)
    {
        _spec = spec;
        _half = precision == OnnxPrecision.Fp16;
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        _session = new InferenceSession(Path.Combine(folder, OnnxForge.ModelFileName), options);
        long[] shape = [1, spec.HeadCountKv, maxLength, spec.HeadDim];
        var elements = (int)(shape[1] * shape[2] * shape[3]);
        for (var i = 0; i < 2 * spec.BlockCount; i++)
        {
            _cache.Add(_half
                ? OrtValue.CreateTensorValueFromMemory(new Float16[elements], shape)
                : OrtValue.CreateTensorValueFromMemory(new float[elements], shape));
        }
    }

    /// <summary>Tokens already in the KV buffers.</summary>
    public int Length { get; private set; }

    /// <summary>Appends <paramref name="tokens"/> and returns their logits, one row of vocabulary size per token.</summary>
    public float[][] Run(IReadOnlyList<int> tokens)
    {
        var count = tokens.Count;
        var total = Length + count;
        using var ids = OrtValue.CreateTensorValueFromMemory(tokens.Select(t => (long)t).ToArray(), [1, count]);
        using var mask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, total).ToArray(), [1, total]);
        using var positions = OrtValue.CreateTensorValueFromMemory(Enumerable.Range(Length, count).Select(p => (long)p).ToArray(), [1, count]);
        long[] logitsShape = [1, count, _spec.VocabularySize];
        var floatLogits = new float[count * _spec.VocabularySize];
        var halfLogits = new Float16[_half ? floatLogits.Length : 0];
        using var logits = _half
            ? OrtValue.CreateTensorValueFromMemory(halfLogits, logitsShape)
            : OrtValue.CreateTensorValueFromMemory(floatLogits, logitsShape);

        using var binding = _session.CreateIoBinding();
        binding.BindInput("input_ids", ids);
        binding.BindInput("attention_mask", mask);
        binding.BindInput("position_ids", positions);
        for (var layer = 0; layer < _spec.BlockCount; layer++)
        {
            binding.BindInput($"past_key_values.{layer}.key", _cache[2 * layer]);
            binding.BindInput($"past_key_values.{layer}.value", _cache[2 * layer + 1]);
            binding.BindOutput($"present.{layer}.key", _cache[2 * layer]);
            binding.BindOutput($"present.{layer}.value", _cache[2 * layer + 1]);
        }

        binding.BindOutput("logits", logits);
        _session.RunWithBinding(_runOptions, binding);
        Length = total;

        if (_half)
        {
            for (var i = 0; i < floatLogits.Length; i++)
            {
                floatLogits[i] = (float)halfLogits[i];
            }
        }

        return Enumerable.Range(0, count).Select(t => floatLogits.AsSpan(t * _spec.VocabularySize, _spec.VocabularySize).ToArray()).ToArray();
    }

    public void Dispose()
    {
        _cache.ForEach(v => v.Dispose());
        _runOptions.Dispose();
        _session.Dispose();
    }
}
