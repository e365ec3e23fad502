using CsCheck;
using LocalLlm.Engine.Kv;
using LocalLlm.Engine.Scheduling;

namespace LocalLlm.Engine.Tests.Kv;

public sealed class KvCacheManagerTests
{
    /// <summary>Bounds on idle cached blocks the property runs under: unbounded, none kept, and two in between.</summary>
    private static readonly int[] IdleCaps = [int.MaxValue, 0, 3, 10];

    [Fact]
    public void Run_RandomOperations_KeepsBlockAndCellInvariants()
    {
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[1, 30], Gen.Int[1, 20]).Array[1, 60].Select(Gen.Int[0, 3].Select(i => IdleCaps[i]))
            .Sample((operations, maxIdleCached) =>
            {
                var simulation = new KvSimulation(maxIdleCached: maxIdleCached);
                foreach ((int kind, int family, int length, int other) in operations)
                {
                    switch (kind)
                    {
                        case 0:
                            simulation.Add(Prompt(family, length, other), maxTokens: other);
                            break;
                        case 1 when simulation.Live.Count > 0:
                            simulation.Finish(simulation.Live[other % simulation.Live.Count]);
                            break;
                        default:
                            simulation.Step();
                            break;
                    }

                    simulation.CheckInvariants();
                }

                simulation.RunToCompletion();
                Assert.All(simulation.Kv.Pool.Blocks, b => Assert.Equal(0, b.RefCount));
                Assert.Equal(KvSimulation.BlockCount, simulation.Kv.FreeBlocks);
            }, iter: 300);
    }

    [Fact]
    public void TryAdmit_SharedPrefixOfFinishedRequest_ReusesItsBlocksWithoutRecomputing()
    {
        var simulation = new KvSimulation(chunk: 64, budget: 64);
        Request first = simulation.Add(Prompt(family: 1, length: 20, tail: 3), maxTokens: 2);
        simulation.RunToCompletion();

        Request second = simulation.Add(Prompt(family: 1, length: 20, tail: 5), maxTokens: 2);
        simulation.Step();

        Assert.Equal(20, second.CachedPromptTokens);
        Assert.True(second.NumComputed >= 20);
        Assert.Empty(first.Blocks);
        simulation.CheckInvariants();
        simulation.RunToCompletion();
    }

    [Fact]
    public void Schedule_SamePrefixArrivingTogether_SecondWaitsForTheFirstsBlocksInsteadOfRecomputing()
    {
        var simulation = new KvSimulation(chunk: 8, budget: 24);
        Request first = simulation.Add(Prompt(family: 0, length: 40, tail: 1), maxTokens: 2);
        Request second = simulation.Add(Prompt(family: 0, length: 40, tail: 2), maxTokens: 2);
        Request other = simulation.Add(Prompt(family: 1, length: 12, tail: 0), maxTokens: 2);

        simulation.Step();

        Assert.Equal(RequestStatus.Running, first.Status);
        Assert.Equal(RequestStatus.Waiting, second.Status);
        Assert.Equal(RequestStatus.Running, other.Status);
        simulation.RunToCompletion();
        Assert.Equal(40, second.CachedPromptTokens);
        Assert.Equal(0, first.CachedPromptTokens);
    }

    [Fact]
    public void FindCachedPrefix_WholePromptCached_LeavesTheLastBlockToCompute()
    {
        var simulation = new KvSimulation(chunk: 64, budget: 64);
        int[] prompt = Prompt(family: 2, length: 16, tail: 0);
        simulation.Add(prompt, maxTokens: 1);
        simulation.RunToCompletion();

        Request again = simulation.Add(prompt, maxTokens: 1);
        List<KvBlock> hits = simulation.Kv.FindCachedPrefix(again);

        Assert.Equal(3, hits.Count);
    }

    [Fact]
    public void TryAllocate_NotEnoughFreeBlocks_ChangesNothing()
    {
        var cells = new SimulatedCells();
        var kv = new KvCacheManager(blockCount: 4, blockSize: 4, prefixCaching: true, cells, [9]);
        var slots = new SequenceSlots(2);
        var options = new SchedulerOptions { MaxBatchTokens = 64, PrefillChunkTokens = 64, MaxRunningRequests = 2, AdmissionWatermark = 0 };
        var scheduler = new Scheduler(options, slots, kv);
        var simulation = new KvSimulation();
        Request big = simulation.Add(Enumerable.Range(0, 17).ToArray(), 1);
        big.SequenceId = 0;

        bool allocated = kv.TryAllocate(big, 17, []);

        Assert.False(allocated);
        Assert.Empty(big.Blocks);
        Assert.Equal(4, kv.FreeBlocks);
        Assert.Equal(0, big.NumComputed);
        Assert.NotNull(scheduler);
    }

    [Fact]
    public void Free_CachedBlocks_EvictsTailBeforeSharedHead()
    {
        var simulation = new KvSimulation(chunk: 64, budget: 64);
        simulation.Add(Prompt(family: 3, length: 12, tail: 0), maxTokens: 1);
        simulation.RunToCompletion();

        KvBlock[] cachedInEvictionOrder = simulation.Kv.Pool.FreeQueue.InOrder().Where(b => b.IsCached).ToArray();

        Assert.Equal([2, 1, 0], cachedInEvictionOrder.Select(b => b.Index));
    }

    [Fact]
    public void Free_MoreIdleCachedBlocksThanAllowed_EvictsTheLeastRecentlyFreedAndKeepsTheNewest()
    {
        var simulation = new KvSimulation(chunk: 64, budget: 64, maxIdleCached: 2);
        int[] older = Prompt(family: 1, length: 12, tail: 0);
        int[] newer = Prompt(family: 2, length: 12, tail: 0);
        simulation.Add(older, maxTokens: 1);
        simulation.RunToCompletion();
        simulation.Add(newer, maxTokens: 1);
        simulation.RunToCompletion();

        KvBlock[] idle = simulation.Kv.Pool.FreeQueue.InOrder().Where(b => b.IsCached).ToArray();
        Request olderAgain = simulation.Add(older, maxTokens: 1);
        Request newerAgain = simulation.Add(newer, maxTokens: 1);

        Assert.Equal(2, simulation.Kv.Pool.IdleCachedCount);
        Assert.Equal([1, 0], idle.Select(b => b.Index));
        Assert.Empty(simulation.Kv.FindCachedPrefix(olderAgain));
        Assert.Equal(2, simulation.Kv.FindCachedPrefix(newerAgain).Count);
        simulation.CheckInvariants();
    }

    [Fact]
    public void Schedule_BlocksRunOut_PreemptsAndEveryRequestStillFinishesWithItsOwnTokens()
    {
        var simulation = new KvSimulation(chunk: 16, budget: 32);
        var expected = new Dictionary<Request, List<int>>();
        for (int i = 0; i < 12; i++)
        {
            simulation.Add(Prompt(family: i % 3, length: 10, tail: i), maxTokens: 30);
        }

        simulation.RunToCompletion();

        Assert.True(simulation.Preemptions > 0);
        foreach (Request request in simulation.Finished)
        {
            var alone = new KvSimulation(chunk: 16, budget: 32);
            Request single = alone.Add(request.Source.PromptTokens, maxTokens: 30);
            alone.RunToCompletion();
            Assert.Equal(single.Tokens, request.Tokens);
        }
    }

    private static int[] Prompt(int family, int length, int tail)
    {
        var random = new Random(family * 7919);
        int[] shared = Enumerable.Range(0, length).Select(_ => random.Next(50)).ToArray();
        return [.. shared, .. Enumerable.Range(100, tail)];
    }
}
