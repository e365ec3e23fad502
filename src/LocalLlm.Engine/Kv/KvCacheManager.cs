using LocalLlm.Engine.Scheduling;

namespace LocalLlm.Engine.Kv;

/// <summary>
/// Maps requests' tokens onto KV blocks: allocation that never half-allocates, automatic prefix caching of full
/// blocks, and the cell operations that realise sharing on the backend. Cached blocks of finished requests live in
/// holder sequences (ids no running request uses), one holder per freed run, so two different token runs never
/// occupy the same positions of one sequence.
/// </summary>
internal sealed class KvCacheManager
{
    private readonly BlockPool _pool;
    private readonly IKvCells _cells;
    private readonly bool _prefixCaching;
    private readonly Stack<int> _freeHolders;
    private readonly Dictionary<int, int> _blocksPerHolder = [];
    private readonly int _maxIdleCachedBlocks;

    /// <param name="maxIdleCachedBlocks">
    /// Most cached blocks that finished requests may leave behind; beyond it the least recently freed are evicted
    /// when a request ends. Every idle cached block keeps its cells in use, and a backend whose attention spans every
    /// cell up to the highest in use (llama.cpp's unified cache) pays for them at every step.
    /// </param>
    public KvCacheManager(
        int blockCount, int blockSize, bool prefixCaching, IKvCells cells, IEnumerable<int> holderSequences, int maxIdleCachedBlocks = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxIdleCachedBlocks);
        _maxIdleCachedBlocks = maxIdleCachedBlocks;
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        BlockSize = blockSize;
        _cells = cells;
        _prefixCaching = prefixCaching;
        _freeHolders = new Stack<int>(holderSequences.Reverse());
        _pool = new BlockPool(blockCount, Evict);
    }

    public int BlockSize { get; }

    public int TotalBlocks => _pool.TotalCount;

    public int FreeBlocks => _pool.FreeCount;

    /// <summary>Free blocks that still hold a finished request's cached prefix (and its cells).</summary>
    public int IdleCachedBlocks => _pool.IdleCachedCount;

    public double Usage => _pool.Usage;

    internal BlockPool Pool => _pool;

    internal int FreeHolderCount => _freeHolders.Count;

    public int BlocksFor(int tokens) => (tokens + BlockSize - 1) / BlockSize;

    /// <summary>
    /// The longest run of cached full blocks that starts the request's tokens. At least one token is left to
    /// compute, because sampling needs the logits of the last one.
    /// </summary>
    public List<KvBlock> FindCachedPrefix(Request request)
    {
        var hits = new List<KvBlock>();
        if (!_prefixCaching)
        {
            return hits;
        }

        int usable = (request.Tokens.Count - 1) / BlockSize;
        ComputeHashes(request, usable);
        for (int i = 0; i < usable; i++)
        {
            KvBlock? block = _pool.Lookup(request.BlockHashes[i], BlockTokens(request, i));
            if (block is null)
            {
                break;
            }

            hits.Add(block);
        }

        return hits;
    }

    /// <summary>
    /// Gives the request the blocks to hold <paramref name="newTokens"/> more tokens past its cached prefix
    /// <paramref name="hits"/> (which it shares). Either everything is allocated or nothing changes.
    /// </summary>
    public bool TryAllocate(Request request, int newTokens, IReadOnlyList<KvBlock> hits, int keepFree = 0)
    {
        int computedAfterHits = request.NumComputed + (hits.Count * BlockSize);
        int needed = BlocksFor(computedAfterHits + newTokens) - request.Blocks.Count - hits.Count;
        int idleHits = 0;
        foreach (KvBlock hit in hits)
        {
            idleHits += hit.RefCount == 0 ? 1 : 0;
        }

        if (Math.Max(needed, 0) + idleHits + keepFree > _pool.FreeCount)
        {
            return false;
        }

        if (hits.Count > 0)
        {
            foreach (KvBlock hit in hits)
            {
                _pool.Touch(hit);
                request.Blocks.Add(hit);
            }

            ShareFromHolders(hits, request.SequenceId);
            request.NumComputed = computedAfterHits;
            request.CommittedBlocks = hits.Count;
        }

        for (int i = 0; i < needed; i++)
        {
            KvBlock block = _pool.TakeFree();
            block.Index = request.Blocks.Count;
            request.Blocks.Add(block);
        }

        return true;
    }

    /// <summary>
    /// True when the block after the request's cached prefix is being computed right now by a running request:
    /// admitting the request a few steps later lets it share that block instead of computing it again.
    /// </summary>
    public bool WillBeCached(Request request, int cachedBlocks, IReadOnlyList<Request> running)
    {
        if (!_prefixCaching || (request.Tokens.Count - 1) / BlockSize <= cachedBlocks)
        {
            return false;
        }

        ComputeHashes(request, cachedBlocks + 1);
        ulong next = request.BlockHashes[cachedBlocks];
        foreach (Request other in running)
        {
            int fullPromptBlocks = other.PromptLength / BlockSize;
            if (other.NumComputed < other.PromptLength && cachedBlocks < fullPromptBlocks && cachedBlocks >= other.CommittedBlocks)
            {
                ComputeHashes(other, cachedBlocks + 1);
                if (other.BlockHashes[cachedBlocks] == next)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>After a successful decode: indexes the blocks that became full so later requests can share them.</summary>
    public void CommitComputed(Request request)
    {
        if (!_prefixCaching)
        {
            return;
        }

        int full = request.NumComputed / BlockSize;
        if (full <= request.CommittedBlocks)
        {
            return;
        }

        ComputeHashes(request, full);
        for (int i = request.CommittedBlocks; i < full; i++)
        {
            KvBlock block = request.Blocks[i];
            if (_pool.Cache(block, new BlockKey(request.BlockHashes[i], BlockTokens(request, i).ToArray())))
            {
                block.Holder = request.SequenceId;
            }
        }

        request.CommittedBlocks = full;
    }

    /// <summary>
    /// Releases the request's blocks and its sequence's cells. The cached blocks it computed move to a holder
    /// sequence and stay findable; its tail is released before its head, so the tail is evicted first.
    /// </summary>
    public void Free(Request request)
    {
        int sequence = request.SequenceId;
        List<KvBlock> own = request.Blocks.FindAll(b => b.IsCached && b.Holder == sequence);
        if (own.Count > 0)
        {
            if (_freeHolders.TryPop(out int holder))
            {
                foreach ((int start, int end) in ContiguousRuns(own))
                {
                    _cells.Share(sequence, holder, start * BlockSize, end * BlockSize);
                }

                own.ForEach(b => b.Holder = holder);
                _blocksPerHolder[holder] = own.Count;
            }
            else
            {
                own.ForEach(_pool.Uncache);
            }
        }

        _cells.Drop(sequence, 0, -1);
        for (int i = request.Blocks.Count - 1; i >= 0; i--)
        {
            _pool.Release(request.Blocks[i]);
        }

        request.Blocks.Clear();
        request.CommittedBlocks = 0;
        _pool.TrimIdleCached(_maxIdleCachedBlocks);
    }

    private void Evict(KvBlock block)
    {
        _cells.Drop(block.Holder, block.Index * BlockSize, (block.Index + 1) * BlockSize);
        if (_blocksPerHolder.TryGetValue(block.Holder, out int count))
        {
            if (count == 1)
            {
                _blocksPerHolder.Remove(block.Holder);
                _freeHolders.Push(block.Holder);
            }
            else
            {
                _blocksPerHolder[block.Holder] = count - 1;
            }
        }
    }

    private void ShareFromHolders(IReadOnlyList<KvBlock> hits, int target)
    {
        int runStart = 0;
        for (int i = 1; i <= hits.Count; i++)
        {
            if (i == hits.Count || hits[i].Holder != hits[runStart].Holder)
            {
                _cells.Share(hits[runStart].Holder, target, runStart * BlockSize, i * BlockSize);
                runStart = i;
            }
        }
    }

    private static IEnumerable<(int Start, int End)> ContiguousRuns(List<KvBlock> blocks)
    {
        int start = blocks[0].Index;
        int end = start + 1;
        for (int i = 1; i < blocks.Count; i++)
        {
            if (blocks[i].Index != end)
            {
                yield return (start, end);
                start = blocks[i].Index;
            }

            end = blocks[i].Index + 1;
        }

        yield return (start, end);
    }

    private void ComputeHashes(Request request, int blocks)
    {
        for (int i = request.BlockHashes.Count; i < blocks; i++)
        {
            ulong parent = i == 0 ? BlockHasher.RootHash : request.BlockHashes[i - 1];
            request.BlockHashes.Add(BlockHasher.Hash(parent, BlockTokens(request, i)));
        }
    }

    private ReadOnlySpan<int> BlockTokens(Request request, int block) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(request.Tokens).Slice(block * BlockSize, BlockSize);
}
