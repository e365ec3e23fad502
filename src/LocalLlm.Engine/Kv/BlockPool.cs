namespace LocalLlm.Engine.Kv;

/// <summary>
/// All KV blocks, the free queue and the prefix-cache index. Invariants: every block is either owned
/// (RefCount > 0, not in the free queue) or free (RefCount 0, in the queue); an indexed hash maps to exactly one
/// cached block; a free cached block keeps its cells until it is taken, when <see cref="_evict"/> releases them.
/// </summary>
internal sealed class BlockPool
{
    private readonly KvBlock[] _blocks;
    private readonly FreeBlockQueue _free = new();
    private readonly Dictionary<ulong, KvBlock> _index = [];
    private readonly Action<KvBlock> _evict;
    private int _idleCached;

    /// <param name="evict">Releases the cells of a cached block that is about to be reused.</param>
    public BlockPool(int blockCount, Action<KvBlock> evict)
    {
        _evict = evict;
        _blocks = new KvBlock[blockCount];
        for (int i = 0; i < blockCount; i++)
        {
            _blocks[i] = new KvBlock(i);
            _free.Append(_blocks[i]);
        }
    }

    public int TotalCount => _blocks.Length;

    public int FreeCount => _free.Count;

    public int CachedCount => _index.Count;

    /// <summary>Cached blocks no request holds: free, findable, and keeping their cells until evicted.</summary>
    public int IdleCachedCount => _idleCached;

    /// <summary>Fraction of blocks owned by running requests (cached free blocks count as free).</summary>
    public double Usage => _blocks.Length == 0 ? 0 : 1.0 - ((double)_free.Count / _blocks.Length);

    internal IReadOnlyList<KvBlock> Blocks => _blocks;

    internal FreeBlockQueue FreeQueue => _free;

    public KvBlock? Lookup(ulong hash, ReadOnlySpan<int> tokens) =>
        _index.TryGetValue(hash, out KvBlock? block) && block.Key!.Matches(tokens) ? block : null;

    /// <summary>Takes one more reference to a cached block, pulling it out of the free queue when idle.</summary>
    public void Touch(KvBlock block)
    {
        if (block.RefCount == 0)
        {
            _free.Remove(block);
            _idleCached--;
        }

        block.RefCount++;
    }

    /// <summary>Takes the block at the head of the free queue; a cached one is evicted first (lazy eviction).</summary>
    public KvBlock TakeFree()
    {
        KvBlock block = _free.PopFront();
        if (block.IsCached)
        {
            _idleCached--;
            _evict(block);
            Uncache(block);
        }

        block.RefCount = 1;
        return block;
    }

    public void Release(KvBlock block)
    {
        if (block.RefCount <= 0)
        {
            throw new InvalidOperationException($"Block {block.Id} released more often than taken.");
        }

        if (--block.RefCount == 0)
        {
            if (block.IsCached)
            {
                _free.Append(block);
                _idleCached++;
            }
            else
            {
                _free.Prepend(block);
            }
        }
    }

    /// <summary>
    /// Evicts the least recently freed idle cached blocks until at most <paramref name="keep"/> remain. Each evicted
    /// block loses its cells and moves to the head of the free queue, as any uncached free block.
    /// </summary>
    public void TrimIdleCached(int keep)
    {
        if (_idleCached <= keep)
        {
            return;
        }

        foreach (KvBlock block in _free.InOrder().Where(b => b.IsCached).Take(_idleCached - keep).ToList())
        {
            _evict(block);
            Uncache(block);
            _free.Remove(block);
            _free.Prepend(block);
            _idleCached--;
        }
    }

    /// <summary>Indexes a full block; false when another block already holds the same tokens at the same place.</summary>
    public bool Cache(KvBlock block, BlockKey key)
    {
        if (block.IsCached || !_index.TryAdd(key.Hash, block))
        {
            return false;
        }

        block.Key = key;
        return true;
    }

    public void Uncache(KvBlock block)
    {
        if (block.Key is { } key)
        {
            _index.Remove(key.Hash);
            block.Key = null;
            block.Holder = -1;
        }
    }
}
