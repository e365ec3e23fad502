using LocalLlm.Backends.LlamaCpp.Native;

namespace LocalLlm.Backends.LlamaCpp;

/// <summary>Converts a GGUF model to another tensor type with llama.cpp's quantizer (llama_model_quantize).</summary>
public static class LlamaQuantizer
{
    /// <param name="inputGguf">An F32/F16/BF16 GGUF (re-quantizing an already quantized file is refused by llama.cpp).</param>
    /// <param name="outputGguf">Written (or overwritten) by llama.cpp.</param>
    /// <param name="type">Target type; 1-D tensors (norms) stay F32 as llama.cpp decides.</param>
    /// <param name="threads">Worker threads; 0 or less lets llama.cpp use every hardware thread.</param>
    /// <exception cref="FileNotFoundException"><paramref name="inputGguf"/> does not exist.</exception>
    /// <exception cref="LlamaException">llama.cpp reported a failure; the message carries its reason.</exception>
    public static void Quantize(string inputGguf, string outputGguf, LlamaFileType type, int threads = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputGguf);
        ArgumentException.ThrowIfNullOrEmpty(outputGguf);
        if (!File.Exists(inputGguf))
        {
            throw new FileNotFoundException($"The model to quantize was not found: '{inputGguf}'.", inputGguf);
        }

        if (string.Equals(Path.GetFullPath(inputGguf), Path.GetFullPath(outputGguf), StringComparison.Ordinal))
        {
            throw new ArgumentException("The output must be a different file than the input.", nameof(outputGguf));
        }

        LlamaLibrary.EnsureLoaded();
        var parameters = LlamaNative.llama_model_quantize_default_params();
        parameters.FType = type;
        parameters.NThread = Math.Max(threads, 0);

        // llama.cpp reports the reason only through its log, on this thread.
        LlamaLog.ClearLastError();
        var result = LlamaNative.llama_model_quantize(inputGguf, outputGguf, parameters);
        if (result != 0)
        {
            throw new LlamaException(
                $"llama.cpp failed to quantize '{inputGguf}' to {type} (result {result}){LlamaLog.DescribeLastError()}");
        }
    }
}
