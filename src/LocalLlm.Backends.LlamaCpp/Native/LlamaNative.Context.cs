namespace LocalLlm.Backends.LlamaCpp.Native;

internal static unsafe partial class LlamaNative
{
    [LibraryImport(LibraryName)]
    public static partial LlamaContextParams llama_context_default_params();

    /// <remarks>Use <see cref="SafeLlamaContextHandle.Create"/>: it ties the context's lifetime to the model's.</remarks>
    /// <returns>NULL on failure.</returns>
    [LibraryImport(LibraryName)]
    public static partial nint llama_init_from_model(nint model, LlamaContextParams @params);

    [LibraryImport(LibraryName)]
    public static partial void llama_free(nint ctx);

    [LibraryImport(LibraryName)]
    public static partial uint llama_n_ctx(SafeLlamaContextHandle ctx);

    [LibraryImport(LibraryName)]
    public static partial uint llama_n_ctx_seq(SafeLlamaContextHandle ctx);

    [LibraryImport(LibraryName)]
    public static partial uint llama_n_batch(SafeLlamaContextHandle ctx);

    [LibraryImport(LibraryName)]
    public static partial uint llama_n_ubatch(SafeLlamaContextHandle ctx);

    [LibraryImport(LibraryName)]
    public static partial uint llama_n_seq_max(SafeLlamaContextHandle ctx);

    [LibraryImport(LibraryName)]
    public static partial void llama_set_n_threads(SafeLlamaContextHandle ctx, int n_threads, int n_threads_batch);

    [LibraryImport(LibraryName)]
    public static partial int llama_n_threads(SafeLlamaContextHandle ctx);

    [LibraryImport(LibraryName)]
    public static partial int llama_n_threads_batch(SafeLlamaContextHandle ctx);

    /// <returns>0 ok; 1 no KV slot (state unchanged, recoverable); 2 aborted; -1 invalid batch; &lt; -1 fatal.</returns>
    [LibraryImport(LibraryName)]
    public static partial int llama_decode(SafeLlamaContextHandle ctx, LlamaBatch batch);

    /// <summary>Logits (n_vocab floats) of the i-th batch token, which must have had logits requested.</summary>
    /// <returns>NULL for an index without logits (release builds log and return NULL).</returns>
    [LibraryImport(LibraryName)]
    public static partial float* llama_get_logits_ith(SafeLlamaContextHandle ctx, int i);

    [LibraryImport(LibraryName)]
    public static partial void llama_synchronize(SafeLlamaContextHandle ctx);

    /// <returns>The pooling the context applies: the requested one, else the model file's, else NONE.</returns>
    [LibraryImport(LibraryName)]
    public static partial LlamaPoolingType llama_pooling_type(SafeLlamaContextHandle ctx);

    /// <summary>
    /// The output embedding (llama_model_n_embd_out floats) of the i-th batch token of the last decode; per token only
    /// with pooling NONE. Negative indices count from the last output.
    /// </summary>
    /// <returns>NULL for an index without an output.</returns>
    [LibraryImport(LibraryName)]
    public static partial float* llama_get_embeddings_ith(SafeLlamaContextHandle ctx, int i);

    /// <summary>The pooled embedding (llama_model_n_embd_out floats) of one sequence of the last decode.</summary>
    /// <returns>NULL with pooling NONE or for a sequence the last decode did not hold.</returns>
    [LibraryImport(LibraryName)]
    public static partial float* llama_get_embeddings_seq(SafeLlamaContextHandle ctx, SeqId seq_id);

    /// <returns>The memory owned by (and valid as long as) the context.</returns>
    [LibraryImport(LibraryName)]
    public static partial nint llama_get_memory(SafeLlamaContextHandle ctx);

    /// <summary>Makes the context compute on these pools instead of creating its own; the pools must outlive the context.</summary>
    [LibraryImport(LibraryName)]
    public static partial void llama_attach_threadpool(nint ctx, nint threadpool, nint threadpool_batch);
}
