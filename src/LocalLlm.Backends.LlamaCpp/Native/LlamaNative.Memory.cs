namespace LocalLlm.Backends.LlamaCpp.Native;

// Ranges are [p0, p1); a negative p0 means 0 and a negative p1 means the open end.
// The memory handle comes from llama_get_memory and lives as long as its context.
internal static partial class LlamaNative
{
    /// <param name="data">Also zero the buffers, not only the metadata.</param>
    [LibraryImport(LibraryName)]
    public static partial void llama_memory_clear(nint mem, [MarshalAs(UnmanagedType.U1)] bool data);

    /// <returns>False when a partial range cannot be removed; removing a whole sequence never fails.</returns>
    [LibraryImport(LibraryName)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_memory_seq_rm(nint mem, SeqId seq_id, LlamaPos p0, LlamaPos p1);

    /// <summary>Adds <paramref name="seq_id_dst"/> to the cells of the source range: shared with a unified KV cache, not copied.</summary>
    [LibraryImport(LibraryName)]
    public static partial void llama_memory_seq_cp(nint mem, SeqId seq_id_src, SeqId seq_id_dst, LlamaPos p0, LlamaPos p1);

    [LibraryImport(LibraryName)]
    public static partial void llama_memory_seq_keep(nint mem, SeqId seq_id);

    /// <returns>Smallest position held for the sequence, or -1 when it is empty.</returns>
    [LibraryImport(LibraryName)]
    public static partial LlamaPos llama_memory_seq_pos_min(nint mem, SeqId seq_id);

    /// <returns>Largest position held for the sequence, or -1 when it is empty.</returns>
    [LibraryImport(LibraryName)]
    public static partial LlamaPos llama_memory_seq_pos_max(nint mem, SeqId seq_id);
}
