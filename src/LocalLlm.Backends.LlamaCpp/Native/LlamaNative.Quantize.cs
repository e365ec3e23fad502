namespace LocalLlm.Backends.LlamaCpp.Native;

internal static partial class LlamaNative
{
    [LibraryImport(LibraryName)]
    public static partial LlamaModelQuantizeParams llama_model_quantize_default_params();

    /// <returns>0 on success.</returns>
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint llama_model_quantize(string fname_inp, string fname_out, in LlamaModelQuantizeParams @params);
}
