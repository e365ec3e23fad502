namespace LocalLlm.ModelForge;

/// <summary>
/// The values of one forged tensor, in ggml element order (row-major <c>[out, in]</c> for a matrix), produced chunk
/// by chunk. Every writer draws weights through this type, so a GGUF file and an ONNX model of the same spec hold
/// identical weights. Each tensor has its own random stream, so its values do not depend on which tensors precede it.
/// Corpus-fitted specs take their embedding and output matrices from <see cref="Fitting.FittedWeights"/> instead.
/// </summary>
internal sealed class TensorValues(TinyModelSpec spec, TensorPlan tensor)
{
    private readonly DeterministicRandom _random = DeterministicRandom.ForStream(spec.Seed, tensor.Name);

    /// <summary>Precomputed values for the tensors a corpus-fitted spec does not draw at random.</summary>
    private readonly float[]? _fitted = FittedValues(spec, tensor);

    private long _position;

    public TensorPlan Tensor { get; } = tensor;

    /// <summary>Fills <paramref name="chunk"/> with the next <c>chunk.Length</c> values of the tensor.</summary>
    public void Next(Span<float> chunk)
    {
        if (_fitted is not null)
        {
            _fitted.AsSpan(checked((int)_position), chunk.Length).CopyTo(chunk);
            _position += chunk.Length;
            return;
        }

        if (Tensor.IsNorm)
        {
            chunk.Fill(Tensor.Scale);
            return;
        }

        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i] = _random.NextGaussianLike() * Tensor.Scale;
        }
    }

    private static float[]? FittedValues(TinyModelSpec spec, TensorPlan tensor) =>
        spec.Weights == ForgeWeights.CorpusBigram && Fitting.FittedWeights.For(spec).TryGet(tensor.Name, out var values) ? values : null;

    /// <summary>All values of <paramref name="tensor"/>, for writers that need the whole tensor at once.</summary>
    public static float[] All(TinyModelSpec spec, TensorPlan tensor)
    {
        var values = new float[checked((int)tensor.ElementCount)];
        new TensorValues(spec, tensor).Next(values);
        return values;
    }
}
