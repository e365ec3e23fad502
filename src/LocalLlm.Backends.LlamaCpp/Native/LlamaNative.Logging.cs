namespace LocalLlm.Backends.LlamaCpp.Native;

internal static unsafe partial class LlamaNative
{
    /// <summary>
    /// Routes llama.cpp and ggml logging (llama_log_set also calls ggml_log_set) to <paramref name="log_callback"/>;
    /// NULL restores printing to stderr. Global and not thread-safe: set once, before loading models.
    /// </summary>
    [LibraryImport(LibraryName)]
    public static partial void llama_log_set(delegate* unmanaged[Cdecl]<GgmlLogLevel, byte*, void*, void> log_callback, void* user_data);
}
