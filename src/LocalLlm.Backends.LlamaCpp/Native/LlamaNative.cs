namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>
/// Source-generated bindings of llama.h (llama.cpp v0.5.0), split by area across LlamaNative.*.cs.
/// Names keep llama.cpp's snake_case so every declaration can be checked against the header by eye.
/// Every entry point requires <see cref="LlamaLibrary.EnsureLoaded"/> to have run: it installs the import resolver
/// that maps <see cref="LibraryName"/> to the pinned shared library.
/// Pointers to llama.cpp objects that the caller does not own (vocab, memory, strings owned by the model)
/// are plain <see cref="nint"/> or byte pointers; owned objects travel as SafeHandles.
/// </summary>
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Native names are kept verbatim.")]
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Native names are kept verbatim.")]
internal static unsafe partial class LlamaNative
{
    /// <summary>Import name resolved to libllama.v0.5.0.so by <see cref="LlamaLibrary"/>.</summary>
    public const string LibraryName = "llama";

    [LibraryImport(LibraryName)]
    public static partial void llama_backend_init();

    [LibraryImport(LibraryName)]
    public static partial void llama_backend_free();

    /// <returns>A static string owned by the library.</returns>
    [LibraryImport(LibraryName)]
    public static partial byte* llama_print_system_info();

    /// <returns>A static string owned by the library.</returns>
    [LibraryImport(LibraryName)]
    public static partial byte* llama_version();

    [LibraryImport(LibraryName)]
    public static partial nuint llama_max_devices();

    [LibraryImport(LibraryName)]
    public static partial nuint llama_max_parallel_sequences();

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_supports_mmap();

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_supports_gpu_offload();

    [LibraryImport(LibraryName)]
    public static partial long llama_time_us();
}
