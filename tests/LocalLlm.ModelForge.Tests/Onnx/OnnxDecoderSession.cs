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

    public OnnxDecoderSession(string folder, TinyModelSpec spec, OnnxPrecision precision, int maxLength = 64)
    {
        _spec = spec;
        _half = precision == OnnxPrecision.Fp16;
        _session = Open(folder);
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

    public static InferenceSession Open(string folder)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        return new InferenceSession(Path.Combine(folder, OnnxForge.ModelFileName), options);
    }

    /// <summary>Appends <paramref name="tokens"/> and returns their logits, one row of vocabulary size per token.</summary>
    public float[][] Run(IReadOnlyList<int> tokens)
    {
        var total = Length + tokens.Count;
        var logits = Run(_session, _spec, _half, _cache,
            [.. tokens.Select(t => (long)t)],
            [.. Enumerable.Repeat(1L, total)],
            [.. Enumerable.Range(Length, tokens.Count).Select(p => (long)p)],
            batch: 1);
        Length = total;
        return logits;
    }

    /// <summary>
    /// One run over <paramref name="batch"/> rows with the given row-major inputs, the KV buffers in
    /// <paramref name="cache"/> (key and value of layer 0, then layer 1, ...) bound as past and present at once.
    /// Returns the logits of every row and position, each as a float array of vocabulary size.
    /// </summary>
    public static float[][] Run(
        InferenceSession session, TinyModelSpec spec, bool half, IReadOnlyList<OrtValue> cache,
        long[] inputIds, long[] attentionMask, long[] positionIds, int batch)
    {
        var sequence = inputIds.Length / batch;
        using var ids = OrtValue.CreateTensorValueFromMemory(inputIds, [batch, sequence]);
        using var mask = OrtValue.CreateTensorValueFromMemory(attentionMask, [batch, attentionMask.Length / batch]);
        using var positions = OrtValue.CreateTensorValueFromMemory(positionIds, [batch, sequence]);
        long[] logitsShape = [batch, sequence, spec.VocabularySize];
        var floatLogits = new float[inputIds.Length * spec.VocabularySize];
        var halfLogits = new Float16[half ? floatLogits.Length : 0];
        using var logits = half
            ? OrtValue.CreateTensorValueFromMemory(halfLogits, logitsShape)
            : OrtValue.CreateTensorValueFromMemory(floatLogits, logitsShape);

        using var binding = session.CreateIoBinding();
        binding.BindInput("input_ids", ids);
        binding.BindInput("attention_mask", mask);
        binding.BindInput("position_ids", positions);
        for (var layer = 0; layer < spec.BlockCount; layer++)
        {
            binding.BindInput($"past_key_values.{layer}.key", cache[2 * layer]);
            binding.BindInput($"past_key_values.{layer}.value", cache[2 * layer + 1]);
            binding.BindOutput($"present.{layer}.key", cache[2 * layer]);
            binding.BindOutput($"present.{layer}.value", cache[2 * layer + 1]);
        }

        binding.BindOutput("logits", logits);
        using var runOptions = new RunOptions();
        session.RunWithBinding(runOptions, binding);

        for (var i = 0; i < halfLogits.Length; i++)
        {
            floatLogits[i] = (float)halfLogits[i];
        }

        return Enumerable.Range(0, inputIds.Length)
            .Select(t => floatLogits.AsSpan(t * spec.VocabularySize, spec.VocabularySize).ToArray())
            .ToArray();
    }

    public void Dispose()
    {
        _cache.ForEach(v => v.Dispose());
        _session.Dispose();
    }
}
