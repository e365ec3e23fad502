using Microsoft.Win32.SafeHandles;

namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>
/// A CPU thread pool of the dynamically loaded CPU backend. Its functions are reached through the backend registry
/// (the CPU library is loaded at run time, so they cannot be imported by name).
/// </summary>
internal sealed unsafe class SafeGgmlThreadpoolHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly Lazy<(nint New, nint Free)> Functions = new(Resolve);

    public SafeGgmlThreadpoolHandle()
        : base(ownsHandle: true)
    {
    }

    /// <exception cref="LlamaException">The CPU backend is not loaded or refused the parameters.</exception>
    public static SafeGgmlThreadpoolHandle Create(int threads, uint poll)
    {
        GgmlThreadpoolParams parameters;
        GgmlNative.ggml_threadpool_params_init(&parameters, threads);
        parameters.Poll = poll;
        var create = (delegate* unmanaged[Cdecl]<GgmlThreadpoolParams*, nint>)Functions.Value.New;
        var pool = new SafeGgmlThreadpoolHandle();
        nint handle = create(&parameters);
        if (handle == 0)
        {
            throw new LlamaException("ggml could not create a CPU thread pool.");
        }

        pool.SetHandle(handle);
        return pool;
    }

    protected override bool ReleaseHandle()
    {
        ((delegate* unmanaged[Cdecl]<nint, void>)Functions.Value.Free)(handle);
        return true;
    }

    private static (nint New, nint Free) Resolve()
    {
        nint cpu = GgmlNative.ggml_backend_reg_by_name("CPU");
        nint create = cpu == 0 ? 0 : GgmlNative.ggml_backend_reg_get_proc_address(cpu, "ggml_threadpool_new");
        nint free = cpu == 0 ? 0 : GgmlNative.ggml_backend_reg_get_proc_address(cpu, "ggml_threadpool_free");
        return create == 0 || free == 0
            ? throw new LlamaException("The CPU backend does not expose ggml_threadpool_new/free.")
            : (create, free);
    }
}
