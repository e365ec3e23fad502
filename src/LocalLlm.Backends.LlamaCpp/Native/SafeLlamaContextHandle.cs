using Microsoft.Win32.SafeHandles;

namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>
/// Owns a <c>llama_context*</c>. A context uses its model's tensors until <c>llama_free</c>, so the handle holds a
/// reference on the model handle from creation until after <c>llama_free</c>: the model can never be freed first,
/// whatever order Dispose calls or finalizers run in.
/// </summary>
internal sealed class SafeLlamaContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private readonly SafeLlamaModelHandle _model;
    private SafeGgmlThreadpoolHandle? _threadpool;

    private SafeLlamaContextHandle(SafeLlamaModelHandle model)
        : base(ownsHandle: true)
    {
        _model = model;
    }

    public SafeLlamaModelHandle Model => _model;

    /// <exception cref="LlamaException">llama.cpp refused the parameters or could not allocate the context.</exception>
    public static SafeLlamaContextHandle Create(SafeLlamaModelHandle model, in LlamaContextParams parameters)
    {
        ArgumentNullException.ThrowIfNull(model);
        var context = new SafeLlamaContextHandle(model);
        var modelRefAdded = false;
        try
        {
            model.DangerousAddRef(ref modelRefAdded);
            LlamaLog.ClearLastError();
            var ptr = LlamaNative.llama_init_from_model(model.DangerousGetHandle(), parameters);
            if (ptr == 0)
            {
                throw new LlamaException($"llama.cpp failed to create a context{LlamaLog.DescribeLastError()}");
            }

            // From here ReleaseHandle owns both the context and the model reference.
            context.SetHandle(ptr);
            modelRefAdded = false;
            return context;
        }
        finally
        {
            if (modelRefAdded)
            {
                model.DangerousRelease();
            }
        }
    }

    /// <summary>Computes on <paramref name="threadpool"/>, which stays alive until after <c>llama_free</c>.</summary>
    public void AttachThreadpool(SafeGgmlThreadpoolHandle threadpool)
    {
        bool added = false;
        threadpool.DangerousAddRef(ref added);
        _threadpool = threadpool;
        LlamaNative.llama_attach_threadpool(handle, threadpool.DangerousGetHandle(), threadpool.DangerousGetHandle());
    }

    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_free(handle);
        _threadpool?.DangerousRelease();
        _model.DangerousRelease();
        return true;
    }
}
