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

    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_free(handle);
        _model.DangerousRelease();
        return true;
    }
}
