namespace LocalLlm.Backends.LlamaCpp.Native;

internal static unsafe partial class LlamaNative
{
    /// <summary>Allocates room for <paramref name="n_tokens"/> tokens with up to <paramref name="n_seq_max"/> sequence ids each.</summary>
    /// <param name="embd">0 for token input; otherwise the embedding width and no token array is allocated.</param>
    /// <remarks>The arrays are uninitialised. Free exactly once with <see cref="llama_batch_free"/>.</remarks>
    [LibraryImport(LibraryName)]
    public static partial LlamaBatch llama_batch_init(int n_tokens, int embd, int n_seq_max);

    [LibraryImport(LibraryName)]
    public static partial void llama_batch_free(LlamaBatch batch);
}
