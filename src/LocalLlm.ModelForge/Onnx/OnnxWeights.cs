using LocalLlm.ModelForge.Onnx.Proto;

namespace LocalLlm.ModelForge.Onnx;

/// <summary>
/// Turns forged tensors into graph values in the layout and precision an <see cref="OnnxPrecision"/> asks for. The
/// values come from <see cref="TensorValues"/>, the same source as the GGUF writer's. A forged matrix is row-major
/// <c>[out, in]</c> (ggml's ne0 = in); <c>MatMul(X, W)</c> needs <c>[in, out]</c>, so float matrices are transposed,
/// while <c>MatMulNBits</c> takes <c>[out, in]</c> blocks as they are.
/// </summary>
internal sealed class OnnxWeights(TinyModelSpec spec, OnnxPrecision precision, OnnxGraphBuilder graph)
{
    /// <summary>Elements per quantization block along the input dimension; every spec's widths are multiples of it.</summary>
    private const int QuantBlockSize = 32;

    private const byte QuantZeroPoint = 128;

    private readonly Dictionary<string, TensorPlan> _plan = ModelLayout.For(spec).ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>A norm weight, always float32 (as the GGUF writer keeps it).</summary>
    public string Norm(string tensorName)
    {
        var tensor = _plan[tensorName];
        return graph.Initializer(tensorName, TensorValues.All(spec, tensor), tensor.Shape[0]);
    }

    /// <summary>The token embedding matrix <c>[vocab, d]</c> as a float32 value (stored as float16 in FP16 models).</summary>
    public string Embedding()
    {
        var tensor = _plan["token_embd.weight"];
        var values = TensorValues.All(spec, tensor);
        long[] dims = [tensor.Shape[1], tensor.Shape[0]];
        return precision == OnnxPrecision.Fp16
            ? graph.Node("Cast", [graph.Initializer(tensor.Name, ToHalf(values), dims)], OnnxGraphBuilder.CastTo(TensorProto.Types.DataType.Float))
            : graph.Initializer(tensor.Name, values, dims);
    }

    /// <summary><c>x · Wᵀ</c> for the forged matrix <paramref name="tensorName"/> (<c>[out, in]</c>).</summary>
    public string Linear(string x, string tensorName) => precision switch
    {
        OnnxPrecision.Int8 => QuantizedLinear(x, _plan[tensorName]),
        _ => graph.Node("MatMul", [x, FloatMatrix(_plan[tensorName])]),
    };

    /// <summary>The output head: untied <c>output.weight</c>, or the embedding matrix transposed.</summary>
    public string OutputHead(string x, string embedding)
    {
        if (spec.TiedEmbeddings)
        {
            var transposed = graph.Node("Transpose", [embedding], OnnxGraphBuilder.Attribute("perm", [1L, 0L]));
            return graph.Node("MatMul", [x, transposed]);
        }

        return graph.Node("MatMul", [x, FloatMatrix(_plan["output.weight"])]);
    }

    private string FloatMatrix(TensorPlan tensor)
    {
        int inputs = (int)tensor.Shape[0], outputs = (int)tensor.Shape[1];
        var values = TensorValues.All(spec, tensor);
        var transposed = new float[values.Length];
        for (var o = 0; o < outputs; o++)
        {
            for (var i = 0; i < inputs; i++)
            {
                transposed[(long)i * outputs + o] = values[(long)o * inputs + i];
            }
        }

        return precision == OnnxPrecision.Fp16
            ? graph.Node("Cast", [graph.Initializer(tensor.Name, ToHalf(transposed), inputs, outputs)], OnnxGraphBuilder.CastTo(TensorProto.Types.DataType.Float))
            : graph.Initializer(tensor.Name, transposed, inputs, outputs);
    }

    /// <summary>
    /// Symmetric 8-bit blocks along the input dimension: each block of 32 weights gets scale max|w|/127 and stores
    /// round(w/scale) + 128, with an explicit zero point of 128. Activations stay float32 (accuracy level 0).
    /// </summary>
    private string QuantizedLinear(string x, TensorPlan tensor)
    {
        int inputs = (int)tensor.Shape[0], outputs = (int)tensor.Shape[1];
        if (inputs % QuantBlockSize != 0)
        {
            throw new ArgumentException($"INT8 models need input widths divisible by {QuantBlockSize}; {tensor.Name} has {inputs}.");
        }

        var blocks = inputs / QuantBlockSize;
        var values = TensorValues.All(spec, tensor);
        var quantized = new byte[values.Length];
        var scales = new float[outputs * blocks];
        for (var block = 0; block < scales.Length; block++)
        {
            var source = values.AsSpan(block * QuantBlockSize, QuantBlockSize);
            var max = 0f;
            foreach (var w in source)
            {
                max = MathF.Max(max, MathF.Abs(w));
            }

            var scale = max > 0 ? max / 127f : 1f;
            scales[block] = scale;
            for (var i = 0; i < QuantBlockSize; i++)
            {
                quantized[block * QuantBlockSize + i] = (byte)(QuantZeroPoint + Math.Clamp((int)MathF.Round(source[i] / scale), -127, 127));
            }
        }

        var zeroPoints = new byte[scales.Length];
        Array.Fill(zeroPoints, QuantZeroPoint);
        var inputsList = new[]
        {
            x,
            graph.Initializer(tensor.Name + ".q8", quantized, outputs, blocks, QuantBlockSize),
            graph.Initializer(tensor.Name + ".scales", scales, scales.Length),
            graph.Initializer(tensor.Name + ".zero_points", zeroPoints, zeroPoints.Length),
        };
        return graph.Node("MatMulNBits", inputsList, [tensor.Name + ".out"], OnnxDecoderGraph.MicrosoftDomain,
            OnnxGraphBuilder.Attribute("K", (long)inputs),
            OnnxGraphBuilder.Attribute("N", (long)outputs),
            OnnxGraphBuilder.Attribute("bits", 8L),
            OnnxGraphBuilder.Attribute("block_size", (long)QuantBlockSize))[0];
    }

    private static Half[] ToHalf(float[] values) => Array.ConvertAll(values, v => (Half)v);
}
