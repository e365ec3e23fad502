using LocalLlm.Engine.Backend;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LocalLlm.Backends.Onnx;

/// <summary>
/// The float32 logits of the batch tokens that asked for them in the last Decode, copied out of the model runs'
/// outputs (converted from float16 when the graph emits that) and addressed by batch index.
/// </summary>
internal sealed class LogitsStore(int vocabularySize, int maxBatchTokens)
{
    private readonly int[] _slotOf = new int[maxBatchTokens];
    private float[] _data = [];
    private int _batchLength;
    private int _used;

    public void Reset(ReadOnlySpan<BatchToken> tokens)
    {
        int wanted = 0;
        foreach (BatchToken token in tokens)
        {
            wanted += token.WantLogits ? 1 : 0;
        }

        if (_data.Length < (long)wanted * vocabularySize)
        {
            _data = new float[wanted * vocabularySize];
        }

        _batchLength = tokens.Length;
        _slotOf.AsSpan(0, tokens.Length).Fill(-1);
        _used = 0;
    }

    /// <summary>Copies the <paramref name="row"/>-th vocabulary-sized row of <paramref name="logits"/> for <paramref name="batchIndex"/>.</summary>
    public void Store(int batchIndex, OrtValue logits, int row)
    {
        OrtTensorTypeAndShapeInfo info = logits.GetTensorTypeAndShape();
        if (info.Shape[^1] != vocabularySize)
        {
            throw new OnnxModelException($"The model's logits have {info.Shape[^1]} entries per token, but genai_config.json says vocab_size is {vocabularySize}.");
        }

        Span<float> target = _data.AsSpan(_used * vocabularySize, vocabularySize);
        if (info.ElementDataType == TensorElementType.Float16)
        {
            ReadOnlySpan<Float16> source = logits.GetTensorDataAsSpan<Float16>().Slice(row * vocabularySize, vocabularySize);
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = (float)source[i];
            }
        }
        else
        {
            logits.GetTensorDataAsSpan<float>().Slice(row * vocabularySize, vocabularySize).CopyTo(target);
        }

        _slotOf[batchIndex] = _used++;
    }

    public ReadOnlySpan<float> Get(int batchIndex)
    {
        if ((uint)batchIndex >= (uint)_batchLength || _slotOf[batchIndex] < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(batchIndex), batchIndex, "The last successful Decode did not request logits for this batch index.");
        }

        return _data.AsSpan(_slotOf[batchIndex] * vocabularySize, vocabularySize);
    }
}
