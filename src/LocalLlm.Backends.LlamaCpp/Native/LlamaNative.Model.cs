namespace LocalLlm.Backends.LlamaCpp.Native;

internal static unsafe partial class LlamaNative
{
    [LibraryImport(LibraryName)]
    public static partial LlamaModelParams llama_model_default_params();

    /// <returns>An invalid handle on failure; the reason goes to the log callback.</returns>
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial SafeLlamaModelHandle llama_model_load_from_file(string path_model, LlamaModelParams @params);

    [LibraryImport(LibraryName)]
    public static partial void llama_model_free(nint model);

    /// <returns>The vocabulary, owned by (and valid as long as) the model.</returns>
    [LibraryImport(LibraryName)]
    public static partial nint llama_model_get_vocab(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName)]
    public static partial int llama_model_n_ctx_train(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName)]
    public static partial int llama_model_n_embd(SafeLlamaModelHandle model);

    /// <summary>Width of the model's output embeddings (and so of pooled ones); differs from n_embd on a few architectures.</summary>
    [LibraryImport(LibraryName)]
    public static partial int llama_model_n_embd_out(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName)]
    public static partial int llama_model_n_layer(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName)]
    public static partial int llama_model_n_head(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName)]
    public static partial ulong llama_model_n_params(SafeLlamaModelHandle model);

    /// <returns>Total bytes of all tensors.</returns>
    [LibraryImport(LibraryName)]
    public static partial ulong llama_model_size(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName)]
    public static partial LlamaFileType llama_model_ftype(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_model_has_encoder(SafeLlamaModelHandle model);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_model_is_recurrent(SafeLlamaModelHandle model);

    /// <returns>Length of the description, or -1; <paramref name="buf"/> is always NUL-terminated.</returns>
    [LibraryImport(LibraryName)]
    public static partial int llama_model_desc(SafeLlamaModelHandle model, byte* buf, nuint buf_size);

    /// <returns>Length of the value (which may exceed <paramref name="buf_size"/>), or -1 when the key is missing.</returns>
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int llama_model_meta_val_str(SafeLlamaModelHandle model, string key, byte* buf, nuint buf_size);

    [LibraryImport(LibraryName)]
    public static partial int llama_model_meta_count(SafeLlamaModelHandle model);

    /// <param name="name">NULL for the default template.</param>
    /// <returns>A string owned by the model, or NULL when the file carries no template.</returns>
    [LibraryImport(LibraryName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial byte* llama_model_chat_template(SafeLlamaModelHandle model, string? name);
}
