namespace LocalLlm.Backends.LlamaCpp.Native;

// The vocab pointer comes from llama_model_get_vocab and lives as long as its model.
// Tokenization functions are thread-safe in llama.cpp.
internal static unsafe partial class LlamaNative
{
    [LibraryImport(LibraryName)]
    public static partial LlamaVocabType llama_vocab_type(nint vocab);

    [LibraryImport(LibraryName)]
    public static partial int llama_vocab_n_tokens(nint vocab);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_is_eog(nint vocab, LlamaToken token);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_is_control(nint vocab, LlamaToken token);

    [LibraryImport(LibraryName)]
    public static partial LlamaToken llama_vocab_bos(nint vocab);

    [LibraryImport(LibraryName)]
    public static partial LlamaToken llama_vocab_eos(nint vocab);

    [LibraryImport(LibraryName)]
    public static partial LlamaToken llama_vocab_eot(nint vocab);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_get_add_bos(nint vocab);

    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_get_add_eos(nint vocab);

    /// <returns>The token's vocabulary text, owned by the model.</returns>
    [LibraryImport(LibraryName)]
    public static partial byte* llama_vocab_get_text(nint vocab, LlamaToken token);

    /// <returns>
    /// Tokens written; when negative, minus the count that would have been written (grow the buffer and retry);
    /// int.MinValue on overflow.
    /// </returns>
    [LibraryImport(LibraryName)]
    public static partial int llama_tokenize(
        nint vocab,
        byte* text,
        int text_len,
        LlamaToken* tokens,
        int n_tokens_max,
        [MarshalAs(UnmanagedType.U1)] bool add_special,
        [MarshalAs(UnmanagedType.U1)] bool parse_special);

    /// <summary>Writes a token's bytes without a NUL terminator.</summary>
    /// <returns>Bytes written; when negative, minus the size needed.</returns>
    [LibraryImport(LibraryName)]
    public static partial int llama_token_to_piece(
        nint vocab,
        LlamaToken token,
        byte* buf,
        int length,
        int lstrip,
        [MarshalAs(UnmanagedType.U1)] bool special);

    /// <returns>Bytes written; when negative, minus the size needed.</returns>
    [LibraryImport(LibraryName)]
    public static partial int llama_detokenize(
        nint vocab,
        LlamaToken* tokens,
        int n_tokens,
        byte* text,
        int text_len_max,
        [MarshalAs(UnmanagedType.U1)] bool remove_special,
        [MarshalAs(UnmanagedType.U1)] bool unparse_special);
}
