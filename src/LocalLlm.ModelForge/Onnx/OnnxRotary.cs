using static LocalLlm.ModelForge.Onnx.OnnxGraphBuilder;

namespace LocalLlm.ModelForge.Onnx;

/// <summary>
/// Rotary position embeddings applied before attention, from explicit position ids, so chunked prefill and batched
/// decode rotate every token by its own position. The cos/sin tables (<c>[context_length, head_dim / 2]</c>) are
/// initializers gathered by position. Pair i of a head turns by position · theta^(-2i/head_dim). Which elements
/// form a pair follows llama.cpp: Qwen3 uses the NEOX form (element i with i + head_dim/2), Llama the original
/// form (elements 2i and 2i+1) because its converter permutes the query and key rows to match.
/// The tables come from the platform's cos and sin, so unlike the weights their last bits may differ between machines.
/// </summary>
internal sealed class OnnxRotary
{
    private readonly TinyModelSpec _spec;
    private readonly OnnxGraphBuilder _graph;
    private readonly string _cos;
    private readonly string _sin;
    private readonly bool _neox;

    public OnnxRotary(TinyModelSpec spec, OnnxGraphBuilder graph, string positionIds)
    {
        _spec = spec;
        _graph = graph;
        _neox = spec.Architecture == TinyModelSpec.Qwen3;
        var half = spec.HeadDim / 2;
        var cos = new float[(long)spec.ContextLength * half];
        var sin = new float[cos.Length];
        for (var position = 0; position < spec.ContextLength; position++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = position * Math.Pow(spec.RopeFreqBase, -2.0 * i / spec.HeadDim);
                cos[position * half + i] = (float)Math.Cos(angle);
                sin[position * half + i] = (float)Math.Sin(angle);
            }
        }

        // [batch, sequence, 1, half] broadcasts over heads; the original form adds a trailing axis for the pair.
        long[] axes = _neox ? [2] : [2, 4];
        _cos = graph.Node("Unsqueeze", [graph.Node("Gather", [graph.Initializer("cos_cache", cos, spec.ContextLength, half), positionIds]), graph.Int64s(axes)]);
        _sin = graph.Node("Unsqueeze", [graph.Node("Gather", [graph.Initializer("sin_cache", sin, spec.ContextLength, half), positionIds]), graph.Int64s(axes)]);
    }

    /// <summary>Rotates <paramref name="x"/> of shape <c>[batch, sequence, heads, head_dim]</c>; the result has the same shape.</summary>
    public string Apply(string x, int heads)
    {
        var g = _graph;
        if (!_neox)
        {
            x = g.Node("Reshape", [x, g.Int64s(0, 0, heads, _spec.HeadDim / 2, 2)]);
        }

        // NEOX: first and second halves; original form: even and odd elements (the split trailing axis).
        var split = g.Node("Split", [x], [g.Unique("rope_a"), g.Unique("rope_b")], "", Attribute("axis", -1L), Attribute("num_outputs", 2L));
        string a = split[0], b = split[1];
        var rotatedA = g.Node("Sub", [g.Node("Mul", [a, _cos]), g.Node("Mul", [b, _sin])]);
        var rotatedB = g.Node("Add", [g.Node("Mul", [b, _cos]), g.Node("Mul", [a, _sin])]);
        var rotated = g.Node("Concat", [rotatedA, rotatedB], Attribute("axis", -1L));
        return _neox ? rotated : g.Node("Reshape", [rotated, g.Int64s(0, 0, heads, _spec.HeadDim)]);
    }
}
