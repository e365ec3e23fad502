namespace LocalLlm.Engine.Kv;

/// <summary>
/// The backend's KV cells as the cache manager sees them: sequences own cells at positions, and cells can be shared
/// between sequences without copying data (llama.cpp's unified KV cache with seq_cp / seq_rm).
/// </summary>
internal interface IKvCells
{
    /// <summary>Cells of <paramref name="source"/> in [fromPos, toPos) also belong to <paramref name="target"/>.</summary>
    void Share(int source, int target, int fromPos, int toPos);

    /// <summary><paramref name="sequence"/> lets go of its cells in [fromPos, toPos); -1 is the open end. A cell no sequence holds is free.</summary>
    void Drop(int sequence, int fromPos, int toPos);
}
