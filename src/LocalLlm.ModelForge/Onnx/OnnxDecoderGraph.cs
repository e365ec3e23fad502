using LocalLlm.ModelForge.Onnx.Proto;
using static LocalLlm.ModelForge.Onnx.OnnxGraphBuilder;
using DataType = LocalLlm.ModelForge.Onnx.Proto.TensorProto.Types.DataType;

namespace LocalLlm.ModelForge.Onnx;

/// <summary>
/// The decoder graph of a forged model, laid out as the onnxruntime-genai model builder lays out Qwen3 and Llama,
/// and computing what llama.cpp computes for the same GGUF tensors: RMSNorm, Q/K/V projections, Qwen3's per-head
/// query/key norms, rotary embeddings from explicit <c>position_ids</c>, <c>GroupQueryAttention</c> over a KV buffer
/// the caller may share between past and present, the output projection, a SwiGLU feed-forward block, the final
/// norm and the output head. Arithmetic runs in float32 in every precision.
/// </summary>
internal static class OnnxDecoderGraph
{
    public const string MicrosoftDomain = "com.microsoft";
    public const int OnnxOpset = 21;
    public const int IrVersion = 10;

    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string PositionIds = "position_ids";
    public const string Logits = "logits";

    public static string PastKey(int layer) => $"past_key_values.{layer}.key";

    public static string PastValue(int layer) => $"past_key_values.{layer}.value";

    public static string PresentKey(int layer) => $"present.{layer}.key";

    public static string PresentValue(int layer) => $"present.{layer}.value";

    /// <summary>Element type of the KV buffers: float16 in FP16 models, float32 otherwise.</summary>
    public static DataType KvType(OnnxPrecision precision) => precision == OnnxPrecision.Fp16 ? DataType.Float16 : DataType.Float;

    public static ModelProto Build(TinyModelSpec spec, OnnxPrecision precision)
    {
        var graph = new OnnxGraphBuilder("main_graph");
        var weights = new OnnxWeights(spec, precision, graph);
        var kvType = KvType(precision);
        var logitsType = precision == OnnxPrecision.Fp16 ? DataType.Float16 : DataType.Float;

        graph.Input(InputIds, DataType.Int64, "batch_size", "sequence_length");
        graph.Input(AttentionMask, DataType.Int64, "batch_size", "total_sequence_length");
        graph.Input(PositionIds, DataType.Int64, "batch_size", "sequence_length");
        for (var layer = 0; layer < spec.BlockCount; layer++)
        {
            graph.Input(PastKey(layer), kvType, "batch_size", spec.HeadCountKv, "past_sequence_length", spec.HeadDim);
            graph.Input(PastValue(layer), kvType, "batch_size", spec.HeadCountKv, "past_sequence_length", spec.HeadDim);
        }

        // GroupQueryAttention takes the index of each row's last valid position and the mask width, both int32.
        var maskLengths = graph.Node("ReduceSum", [AttentionMask, graph.Int64s(1)], Attribute("keepdims", 0L));
        var seqlensK = graph.Node("Cast", [graph.Node("Sub", [maskLengths, graph.Int64Scalar(1)])], CastTo(DataType.Int32));
        var totalLength = graph.Node("Cast", [graph.Node("Gather", [graph.Node("Shape", [AttentionMask]), graph.Int64Scalar(1)])],
            CastTo(DataType.Int32));
        graph.Describe(seqlensK, DataType.Int32, "batch_size");
        graph.Describe(totalLength, DataType.Int32);

        var rotary = new OnnxRotary(spec, graph, PositionIds);
        var embedding = weights.Embedding();
        var hidden = graph.Node("Gather", [embedding, InputIds]);
        for (var layer = 0; layer < spec.BlockCount; layer++)
        {
            var attentionIn = RmsNorm(graph, hidden, weights.Norm($"blk.{layer}.attn_norm.weight"), spec.RmsEps);
            var attention = Attention(spec, precision, graph, weights, rotary, layer, attentionIn, seqlensK, totalLength);
            hidden = graph.Node("Add", [hidden, weights.Linear(attention, $"blk.{layer}.attn_output.weight")]);

            var ffnIn = RmsNorm(graph, hidden, weights.Norm($"blk.{layer}.ffn_norm.weight"), spec.RmsEps);
            var gate = weights.Linear(ffnIn, $"blk.{layer}.ffn_gate.weight");
            var up = weights.Linear(ffnIn, $"blk.{layer}.ffn_up.weight");
            var activated = graph.Node("Mul", [graph.Node("Mul", [gate, graph.Node("Sigmoid", [gate])]), up]);
            hidden = graph.Node("Add", [hidden, weights.Linear(activated, $"blk.{layer}.ffn_down.weight")]);
        }

        var final = RmsNorm(graph, hidden, weights.Norm("output_norm.weight"), spec.RmsEps);
        var logits = weights.OutputHead(final, embedding);
        graph.Node(logitsType == DataType.Float ? "Identity" : "Cast", [logits], [Logits], "",
            logitsType == DataType.Float ? [] : [CastTo(logitsType)]);
        graph.Output(Logits, logitsType, "batch_size", "sequence_length", spec.VocabularySize);
        for (var layer = 0; layer < spec.BlockCount; layer++)
        {
            graph.Output(PresentKey(layer), kvType, "batch_size", spec.HeadCountKv, "total_sequence_length", spec.HeadDim);
            graph.Output(PresentValue(layer), kvType, "batch_size", spec.HeadCountKv, "total_sequence_length", spec.HeadDim);
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "LocalLlm.ModelForge",
            ProducerVersion = $"{GgufForge.FormatVersion}.{OnnxForge.FormatVersion}",
            DocString = $"Random-weight {spec.Architecture} model ({precision}, seed {spec.Seed}); its output is meaningless.",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxOpset });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        return model;
    }

    private static string Attention(
        TinyModelSpec spec, OnnxPrecision precision, OnnxGraphBuilder graph, OnnxWeights weights, OnnxRotary rotary,
        int layer, string x, string seqlensK, string totalLength)
    {
        var p = $"blk.{layer}.";
        var q = graph.Node("Reshape", [weights.Linear(x, p + "attn_q.weight"), graph.Int64s(0, 0, spec.HeadCount, spec.HeadDim)]);
        var k = graph.Node("Reshape", [weights.Linear(x, p + "attn_k.weight"), graph.Int64s(0, 0, spec.HeadCountKv, spec.HeadDim)]);
        var v = weights.Linear(x, p + "attn_v.weight");
        if (spec.Architecture == TinyModelSpec.Qwen3)
        {
            q = RmsNorm(graph, q, weights.Norm(p + "attn_q_norm.weight"), spec.RmsEps);
            k = RmsNorm(graph, k, weights.Norm(p + "attn_k_norm.weight"), spec.RmsEps);
        }

        q = graph.Node("Reshape", [rotary.Apply(q, spec.HeadCount), graph.Int64s(0, 0, (long)spec.HeadCount * spec.HeadDim)]);
        k = graph.Node("Reshape", [rotary.Apply(k, spec.HeadCountKv), graph.Int64s(0, 0, (long)spec.HeadCountKv * spec.HeadDim)]);

        var kvType = KvType(precision);
        if (kvType != DataType.Float)
        {
            q = graph.Node("Cast", [q], CastTo(kvType));
            k = graph.Node("Cast", [k], CastTo(kvType));
            v = graph.Node("Cast", [v], CastTo(kvType));
        }

        var output = graph.Node("GroupQueryAttention",
            [q, k, v, PastKey(layer), PastValue(layer), seqlensK, totalLength],
            [$"/attn_{layer}/output", PresentKey(layer), PresentValue(layer)], MicrosoftDomain,
            Attribute("num_heads", (long)spec.HeadCount),
            Attribute("kv_num_heads", (long)spec.HeadCountKv),
            Attribute("do_rotary", 0L),
            Attribute("local_window_size", -1L))[0];
        return kvType == DataType.Float ? output : graph.Node("Cast", [output], CastTo(DataType.Float));
    }

    /// <summary>x / sqrt(mean(x²) + eps) · weight over the last axis, as llama.cpp's rms_norm followed by the weight.</summary>
    private static string RmsNorm(OnnxGraphBuilder graph, string x, string weight, float eps)
    {
        var meanSquare = graph.Node("ReduceMean", [graph.Node("Mul", [x, x]), graph.Int64s(-1)], Attribute("keepdims", 1L));
        var rms = graph.Node("Sqrt", [graph.Node("Add", [meanSquare, graph.FloatScalar(eps)])]);
        return graph.Node("Mul", [graph.Node("Div", [x, rms]), weight]);
    }
}
