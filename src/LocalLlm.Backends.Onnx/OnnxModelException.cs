namespace LocalLlm.Backends.Onnx;

/// <summary>An ONNX model folder is incomplete, malformed or asks for something this backend does not support.</summary>
public sealed class OnnxModelException : Exception
{
    public OnnxModelException(string message)
        : base(message)
    {
    }

    public OnnxModelException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public OnnxModelException()
    {
    }
}
