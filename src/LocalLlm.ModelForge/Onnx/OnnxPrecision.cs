using System.Diagnostics.CodeAnalysis;

namespace LocalLlm.ModelForge.Onnx;

/// <summary>How an ONNX model from <see cref="OnnxForge"/> stores its weights and KV cache.</summary>
public enum OnnxPrecision
{
    /// <summary>Float32 weights, KV cache and logits.</summary>
    Fp32,

    /// <summary>Float16 matrices, KV cache and logits; norm weights stay float32 and arithmetic runs in float32.</summary>
    Fp16,

    /// <summary>Projection matrices in 8-bit blocks (<c>MatMulNBits</c>); embeddings, output head and norms float32.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Names the precision, as ONNX model names do.")]
    Int8,
}
