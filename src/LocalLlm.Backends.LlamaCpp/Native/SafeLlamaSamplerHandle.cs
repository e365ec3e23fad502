using Microsoft.Win32.SafeHandles;

namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>
/// Owns a <c>llama_sampler*</c> (a chain or a single sampler). A sampler added to a chain belongs to the chain:
/// <see cref="AddToChain"/> invalidates its handle so it is freed exactly once, by the chain.
/// </summary>
internal sealed class SafeLlamaSamplerHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    /// <summary>Used by the interop marshaller, which sets the handle from the native return value.</summary>
    public SafeLlamaSamplerHandle()
        : base(ownsHandle: true)
    {
    }

    public static SafeLlamaSamplerHandle CreateChain()
    {
        var parameters = LlamaNative.llama_sampler_chain_default_params();

        // Sampler timings are never read; skipping them saves two clock reads per token.
        parameters.NoPerf = true;
        return ThrowIfInvalid(LlamaNative.llama_sampler_chain_init(parameters), "sampler chain");
    }

    /// <summary>Appends <paramref name="sampler"/> to this chain, which takes ownership of it.</summary>
    public void AddToChain(SafeLlamaSamplerHandle sampler)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ObjectDisposedException.ThrowIf(IsClosed, this);
        ThrowIfInvalid(sampler, "sampler");
        LlamaNative.llama_sampler_chain_add(this, sampler.DangerousGetHandle());
        sampler.SetHandleAsInvalid();
    }

    public static SafeLlamaSamplerHandle ThrowIfInvalid(SafeLlamaSamplerHandle sampler, string what)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        if (sampler.IsInvalid)
        {
            sampler.Dispose();
            throw new LlamaException($"llama.cpp failed to create the {what}{LlamaLog.DescribeLastError()}");
        }

        return sampler;
    }

    protected override bool ReleaseHandle()
    {
        LlamaNative.llama_sampler_free(handle);
        return true;
    }
}
