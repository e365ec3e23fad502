namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>The few ggml functions needed around llama.cpp: dynamic backend loading and device listing.</summary>
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Native names are kept verbatim.")]
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Native names are kept verbatim.")]
internal static unsafe partial class GgmlNative
{
    /// <summary>Import name resolved to libggml.v0.5.0.so by <see cref="LlamaLibrary"/>.</summary>
    public const string LibraryName = "ggml";

    /// <summary>Import name resolved to libggml-base.so: the device object functions live there, not in libggml.</summary>
    public const string BaseLibraryName = "ggml-base";

    /// <summary>
    /// Loads the best variant of every backend found in <paramref name="dir_path"/> (libggml-cpu-haswell.so,
    /// libggml-cuda.so, ...). The CPU backend of this build is only available this way.
    /// </summary>
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void ggml_backend_load_all_from_path(string? dir_path);

    [LibraryImport(LibraryName)]
    public static partial nuint ggml_backend_reg_count();

    [LibraryImport(LibraryName)]
    public static partial nuint ggml_backend_dev_count();

    /// <returns>A device owned by its registry, valid for the process lifetime.</returns>
    [LibraryImport(LibraryName)]
    public static partial nint ggml_backend_dev_get(nuint index);

    [LibraryImport(BaseLibraryName)]
    public static partial byte* ggml_backend_dev_name(nint device);

    [LibraryImport(BaseLibraryName)]
    public static partial byte* ggml_backend_dev_description(nint device);

    [LibraryImport(BaseLibraryName)]
    public static partial GgmlBackendDeviceType ggml_backend_dev_type(nint device);

    [LibraryImport(BaseLibraryName)]
    public static partial void ggml_backend_dev_memory(nint device, nuint* free, nuint* total);
}
