namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>ggml_threadpool_params: a CPU mask of GGML_MAX_N_THREADS (512) bools, then the scalar settings.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GgmlThreadpoolParams
{
    public fixed byte CpuMask[512];
    public int NThreads;
    public int Priority;

    /// <summary>0: workers sleep between graphs; 100: they spin. Spinning steals the cores the web host needs.</summary>
    public uint Poll;
    public CBool StrictCpu;
    public CBool Paused;
}

internal static unsafe partial class GgmlNative
{
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ggml_backend_reg_by_name(string name);

    [LibraryImport(BaseLibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ggml_backend_reg_get_proc_address(nint reg, string name);

    [LibraryImport(BaseLibraryName)]
    public static partial void ggml_threadpool_params_init(GgmlThreadpoolParams* parameters, int n_threads);
}
