using Microsoft.Win32.SafeHandles;

namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>Owns a <c>llama_model*</c>; freed with <c>llama_model_free</c> once no context still references it.</summary>
internal sealed class SafeLlamaModelHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the interop marshaller, which sets the handle from the native return value.</summary>
    public SafeLlamaModelHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Loads a GGUF file; <see cref="LlamaLibrary.EnsureLoaded"/> must have run.</summary>
    /// <exception cref="LlamaException">llama.cpp could not load the file; the message carries its last error.</exception>
    public static SafeLlamaModelHandle LoadFromFile(string path, in LlamaModelParams parameters)
    {
        LlamaLog.ClearLastError();
        var model = LlamaNative.llama_model_load_from_file(path, parameters);
        if (model.IsInvalid)
        {
            model.Dispose();
            throw new LlamaException($"llama.cpp failed to load the model '{path}'{LlamaLog.DescribeLastError()}");
        }

        return model;
    }

    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_model_free(handle);
        return true;
    }
}
