namespace LocalLlm.Backends.LlamaCpp.Native;

// Every llama_sampler_init_* result is owned by the caller until llama_sampler_chain_add transfers it to a chain;
// SafeLlamaSamplerHandle.AddToChain encodes that transfer.
internal static unsafe partial class LlamaNative
{
    [LibraryImport(LibraryName)]
    public static partial LlamaSamplerChainParams llama_sampler_chain_default_params();

    [LibraryImport(LibraryName)]
    public static partial SafeLlamaSamplerHandle llama_sampler_chain_init(LlamaSamplerChainParams @params);

    /// <remarks>Takes ownership of <paramref name="smpl"/>; use <see cref="SafeLlamaSamplerHandle.AddToChain"/>.</remarks>
    [LibraryImport(LibraryName)]
    public static partial void llama_sampler_chain_add(SafeLlamaSamplerHandle chain, nint smpl);

    [LibraryImport(LibraryName)]
    public static partial int llama_sampler_chain_n(SafeLlamaSamplerHandle chain);

    [LibraryImport(LibraryName)]
    public static partial void llama_sampler_free(nint smpl);

    [LibraryImport(LibraryName)]
    public static partial SafeLlamaSamplerHandle llama_sampler_init_greedy();

    /// <param name="seed">0xFFFFFFFF (LLAMA_DEFAULT_SEED) draws a random seed.</param>
    [LibraryImport(LibraryName)]
    public static partial SafeLlamaSamplerHandle llama_sampler_init_dist(uint seed);

    /// <param name="k">&lt;= 0 is a no-op.</param>
    [LibraryImport(LibraryName)]
    public static partial SafeLlamaSamplerHandle llama_sampler_init_top_k(int k);

    [LibraryImport(LibraryName)]
    public static partial SafeLlamaSamplerHandle llama_sampler_init_top_p(float p, nuint min_keep);

    [LibraryImport(LibraryName)]
    public static partial SafeLlamaSamplerHandle llama_sampler_init_min_p(float p, nuint min_keep);

    [LibraryImport(LibraryName)]
    public static partial SafeLlamaSamplerHandle llama_sampler_init_temp(float t);

    /// <param name="penalty_last_n">Window of recent accepted tokens; 0 disables.</param>
    /// <param name="penalty_repeat">1.0 disables.</param>
    /// <param name="penalty_freq">0.0 disables.</param>
    /// <param name="penalty_present">0.0 disables.</param>
    [LibraryImport(LibraryName)]
    public static partial SafeLlamaSamplerHandle llama_sampler_init_penalties(
        int n_vocab,
        int penalty_last_n,
        float penalty_repeat,
        float penalty_freq,
        float penalty_present);

    [LibraryImport(LibraryName)]
    public static partial SafeLlamaSamplerHandle llama_sampler_init_logit_bias(int n_vocab, int n_logit_bias, LlamaLogitBias* logit_bias);

    /// <returns>NULL when <paramref name="grammar_str"/> does not parse (the reason is logged).</returns>
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial SafeLlamaSamplerHandle llama_sampler_init_grammar(nint vocab, string grammar_str, string grammar_root);

    [LibraryImport(LibraryName)]
    public static partial void llama_sampler_accept(SafeLlamaSamplerHandle smpl, LlamaToken token);

    [LibraryImport(LibraryName)]
    public static partial void llama_sampler_apply(SafeLlamaSamplerHandle smpl, LlamaTokenDataArray* cur_p);

    [LibraryImport(LibraryName)]
    public static partial void llama_sampler_reset(SafeLlamaSamplerHandle smpl);

    /// <summary>Samples from the logits of batch token <paramref name="idx"/> and accepts the result.</summary>
    /// <remarks>Aborts the process when that token has no logits: callers check first.</remarks>
    [LibraryImport(LibraryName)]
    public static partial LlamaToken llama_sampler_sample(SafeLlamaSamplerHandle smpl, SafeLlamaContextHandle ctx, int idx);

    [LibraryImport(LibraryName)]
    public static partial uint llama_sampler_get_seed(SafeLlamaSamplerHandle smpl);
}
