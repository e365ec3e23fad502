namespace LocalLlm.Engine.Kv;

/// <summary>
/// A fixed run of KV cells: positions [Index * size, (Index + 1) * size) of whichever sequences reference it.
/// A block is owned (RefCount > 0) by the running requests whose block tables hold it; with RefCount 0 it sits in
/// the free queue, and if it is cached it can still be found by its hash until it is taken for reuse.
/// </summary>
internal sealed class KvBlock(int id)
{
    public int Id { get; } = id;

    public int RefCount { get; set; }

    /// <summary>Position of the block in the token sequences it belongs to (block index, not token index).</summary>
    public int Index { get; set; }

    /// <summary>Set while the block is in the prefix-cache index: its hash chains its parent's hash and its tokens.</summary>
    public BlockKey? Key { get; set; }

    /// <summary>
    /// The sequence whose KV cells hold this cached block: the request that computed it while that request runs,
    /// then a holder sequence. Other sequences share the cells through copies of this one.
    /// </summary>
    public int Holder { get; set; } = -1;

    public bool IsCached => Key is not null;

    // Intrusive links of the free queue: removing a cached block from the middle is O(1) and allocates nothing.
    internal KvBlock? Previous { get; set; }

    internal KvBlock? Next { get; set; }

    internal bool InFreeQueue { get; set; }
}

/// <summary>Identity of a full block in the prefix cache: the chained hash plus the tokens, compared on every hit.</summary>
internal sealed record BlockKey(ulong Hash, int[] Tokens)
{
    public bool Matches(ReadOnlySpan<int> tokens) => tokens.SequenceEqual(Tokens);
}
