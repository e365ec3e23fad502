using System.Threading.Channels;
using LocalLlm.Engine.Kv;
using LocalLlm.Engine.Requests;
using LocalLlm.Engine.Scheduling;

namespace LocalLlm.Engine.Tests.Kv;

/// <summary>
/// Drives the scheduler and KV cache manager over simulated cells, playing the engine's part: "decoding" writes a
/// cell per computed position whose identity is the whole prefix up to it, and the next token is a function of that
/// prefix (as greedy decoding is), so recomputed and shared KV can be checked position by position.
/// </summary>
internal sealed class KvSimulation
{
    public const int RunningSlots = 5;
    public const int HolderSlots = 6;
    public const int BlockSize = 4;
    public const int BlockCount = 48;

    private readonly Dictionary<ulong, ulong> _identityByHash = [];
    private int _nextId;

    private readonly int _maxIdleCached;

    public KvSimulation(bool prefixCaching = true, int chunk = 7, int budget = 24, int maxIdleCached = int.MaxValue)
    {
        _maxIdleCached = maxIdleCached;
        Cells = new SimulatedCells();
        Kv = new KvCacheManager(BlockCount, BlockSize, prefixCaching, Cells, Enumerable.Range(RunningSlots, HolderSlots), maxIdleCached);
        var options = new SchedulerOptions { MaxBatchTokens = budget, PrefillChunkTokens = chunk, MaxRunningRequests = RunningSlots, AdmissionWatermark = 0.05 };
        Scheduler = new Scheduler(options, new SequenceSlots(RunningSlots), Kv);
    }

    public SimulatedCells Cells { get; }

    public KvCacheManager Kv { get; }

    public Scheduler Scheduler { get; }

    public List<Request> Live { get; } = [];

    public List<Request> Finished { get; } = [];

    public int Preemptions { get; private set; }

    public Request Add(IReadOnlyList<int> prompt, int maxTokens)
    {
        var source = new GenerationRequest { RequestId = $"r{_nextId++}", PromptTokens = prompt.ToArray(), MaxTokens = maxTokens };
        var request = new Request(source, BlockCount * BlockSize, Channel.CreateUnbounded<GenerationEvent>().Writer, CancellationToken.None);
        Scheduler.Add(request);
        Live.Add(request);
        return request;
    }

    public void Step()
    {
        SchedulerOutput output = Scheduler.Schedule();
        Preemptions += output.Preempted.Count;
        foreach ((Request request, int count) in output.Chunks.ToArray())
        {
            for (int position = request.NumComputed; position < request.NumComputed + count; position++)
            {
                Cells.Compute(request.SequenceId, position, Identity(request.Tokens, position));
            }

            request.NumComputed += count;
            Kv.CommitComputed(request);
            if (request.PendingTokens == 0)
            {
                request.Tokens.Add((int)(Identity(request.Tokens, request.Tokens.Count - 1) % 50));
                if (request.Tokens.Count >= request.TokenLimit)
                {
                    Finish(request);
                }
            }
        }
    }

    public void Finish(Request request)
    {
        Scheduler.Finish(request);
        Live.Remove(request);
        Finished.Add(request);
    }

    public void RunToCompletion(int maxSteps = 10_000)
    {
        for (int step = 0; step < maxSteps && Live.Count > 0; step++)
        {
            Step();
            CheckInvariants();
        }

        Assert.Empty(Live);
    }

    public void CheckInvariants()
    {
        Assert.True(Cells.LiveCells <= BlockCount * BlockSize, "more cells in use than the cache has");
        var owners = new Dictionary<KvBlock, int>();
        foreach (Request request in Scheduler.Running)
        {
            Assert.Equal(request.Blocks.Count, request.Blocks.Distinct().Count());
            Assert.Equal(Kv.BlocksFor(request.NumComputed), request.Blocks.Count);
            Assert.Equal(request.NumComputed, Cells.CountOf(request.SequenceId));
            for (int position = 0; position < request.NumComputed; position++)
            {
                Assert.Equal(Identity(request.Tokens, position), Cells.PrefixAt(request.SequenceId, position));
            }

            for (int i = 0; i < request.Blocks.Count; i++)
            {
                KvBlock block = request.Blocks[i];
                owners[block] = owners.GetValueOrDefault(block) + 1;
                Assert.Equal(i, block.Index);
                if (block.Key is { } key && request.BlockHashes.Count > i && request.BlockHashes[i] == key.Hash)
                {
                    _identityByHash[key.Hash] = Identity(request.Tokens, ((i + 1) * BlockSize) - 1);
                }
            }
        }

        foreach (KvBlock block in Kv.Pool.Blocks)
        {
            Assert.Equal(owners.GetValueOrDefault(block), block.RefCount);
            Assert.Equal(block.RefCount == 0, block.InFreeQueue);
            if (block.Key is { } key)
            {
                Assert.Same(block, Kv.Pool.Lookup(key.Hash, key.Tokens));
                int last = ((block.Index + 1) * BlockSize) - 1;
                Assert.NotNull(Cells.PrefixAt(block.Holder, last));
                if (_identityByHash.TryGetValue(key.Hash, out ulong identity))
                {
                    Assert.Equal(identity, Cells.PrefixAt(block.Holder, last));
                }

                if (block.RefCount == 0)
                {
                    Assert.InRange(block.Holder, RunningSlots, RunningSlots + HolderSlots - 1);
                }
            }
        }

        Assert.Equal(Kv.Pool.FreeQueue.Count, Kv.Pool.Blocks.Count(b => b.RefCount == 0));
        Assert.Equal(Kv.Pool.IdleCachedCount, Kv.Pool.Blocks.Count(b => b.RefCount == 0 && b.IsCached));
        Assert.True(Kv.Pool.IdleCachedCount <= _maxIdleCached, $"{Kv.Pool.IdleCachedCount} idle cached blocks, at most {_maxIdleCached} allowed");
        Assert.Equal(Kv.Pool.IdleCachedCount * BlockSize, Cells.CellsHeldOnlyBy(sequence => sequence >= RunningSlots));
        Assert.Equal(Kv.TotalBlocks, Kv.FreeBlocks + owners.Count);
    }

    /// <summary>Identity of the prefix tokens[0..position]: what the KV at that position was computed from.</summary>
    public static ulong Identity(IReadOnlyList<int> tokens, int position)
    {
        ulong hash = 1469598103934665603UL;
        for (int i = 0; i <= position; i++)
        {
            hash = (hash ^ (ulong)(tokens[i] + 1)) * 1099511628211UL;
        }

        return hash;
    }
}
