using System.Threading.Channels;
using LocalLlm.Engine.Requests;
using LocalLlm.Engine.Scheduling;

namespace LocalLlm.Engine.Tests.Scheduling;

public sealed class SchedulerTests
{
    private readonly List<int> _released = [];

    [Fact]
    public void Schedule_RunningAndWaiting_DecodesRunningFirstThenAdmitsInArrivalOrder()
    {
        Scheduler scheduler = CreateScheduler(kvCapacity: 1000);
        Request first = NewRequest(promptTokens: 10);
        scheduler.Add(first);
        Complete(scheduler.Schedule());

        Request second = NewRequest(promptTokens: 5);
        Request third = NewRequest(promptTokens: 7);
        scheduler.Add(second);
        scheduler.Add(third);
        SchedulerOutput output = scheduler.Schedule();

        Assert.Equal([first, second, third], output.Chunks.Select(c => c.Request));
        Assert.Equal([1, 5, 7], output.Chunks.Select(c => c.TokenCount));
        Assert.Equal(13, output.TotalTokens);
    }

    [Fact]
    public void Schedule_PromptLongerThanChunk_PrefillsOverSeveralSteps()
    {
        Scheduler scheduler = CreateScheduler(kvCapacity: 1000, chunk: 64);
        Request request = NewRequest(promptTokens: 150);
        scheduler.Add(request);

        int[] counts = new int[3];
        for (int step = 0; step < 3; step++)
        {
            SchedulerOutput output = scheduler.Schedule();
            counts[step] = output.Chunks.Single().TokenCount;
            Complete(output);
        }

        Assert.Equal([64, 64, 22], counts);
        Assert.Equal(151, request.Tokens.Count);
    }

    [Fact]
    public void Schedule_KvCellsRunOut_PreemptsMostRecentlyAdmittedToHeadOfQueue()
    {
        Scheduler scheduler = CreateScheduler(kvCapacity: 40, watermark: 0);
        Request older = NewRequest(promptTokens: 20);
        Request newer = NewRequest(promptTokens: 19);
        scheduler.Add(older);
        scheduler.Add(newer);
        Complete(scheduler.Schedule());
        Assert.Equal(39, scheduler.Kv.TotalBlocks - scheduler.Kv.FreeBlocks);
        int newerSequence = newer.SequenceId;

        SchedulerOutput output = scheduler.Schedule();

        Assert.Equal([newer], output.Preempted);
        Assert.Equal([older], output.Chunks.Select(c => c.Request));
        Assert.Equal(RequestStatus.Waiting, newer.Status);
        Assert.Equal(0, newer.NumComputed);
        Assert.Equal(20, newer.Tokens.Count);
        Assert.Same(newer, scheduler.Waiting.First());
        Assert.Contains(newerSequence, _released);
    }

    [Fact]
    public void Schedule_AllSequenceIdsTaken_LeavesTheRestWaiting()
    {
        Scheduler scheduler = CreateScheduler(kvCapacity: 1000, sequences: 2);
        Request[] requests = [NewRequest(4), NewRequest(4), NewRequest(4)];
        foreach (Request request in requests)
        {
            scheduler.Add(request);
        }

        SchedulerOutput output = scheduler.Schedule();

        Assert.Equal(2, output.Chunks.Count);
        Assert.Equal(RequestStatus.Waiting, requests[2].Status);
        Complete(output);
        scheduler.Finish(requests[0]);
        Assert.Contains(requests[2], scheduler.Schedule().Chunks.Select(c => c.Request));
    }

    [Fact]
    public void Schedule_RandomWorkload_NeverExceedsCapacityAndNeverSharesASequence()
    {
        var random = new Random(1234);
        for (int trial = 0; trial < 50; trial++)
        {
            int capacity = random.Next(32, 200);
            Scheduler scheduler = CreateScheduler(kvCapacity: capacity, sequences: random.Next(1, 8), chunk: random.Next(1, 32), budget: random.Next(8, 64));
            var live = new List<Request>();
            for (int step = 0; step < 300; step++)
            {
                if (random.Next(4) == 0)
                {
                    Request request = NewRequest(random.Next(1, capacity / 2), maxTokens: random.Next(1, capacity / 2));
                    scheduler.Add(request);
                    live.Add(request);
                }

                SchedulerOutput output = scheduler.Schedule();
                Assert.True(output.TotalTokens <= 64);
                Assert.True(scheduler.Kv.FreeBlocks >= 0, "scheduled beyond KV capacity");
                Assert.Equal(capacity - scheduler.Kv.FreeBlocks, scheduler.Running.Sum(r => r.Blocks.Count));
                int[] sequences = scheduler.Running.Select(r => r.SequenceId).ToArray();
                Assert.Equal(sequences.Length, sequences.Distinct().Count());
                Assert.All(sequences, s => Assert.InRange(s, 0, 7));
                Complete(output);
                foreach (Request done in live.Where(r => r.Status == RequestStatus.Running && r.Tokens.Count >= r.TokenLimit).ToArray())
                {
                    scheduler.Finish(done);
                    live.Remove(done);
                }
            }
        }
    }

    private Scheduler CreateScheduler(int kvCapacity, int sequences = 16, int chunk = 512, int budget = 512, double watermark = 0.01)
    {
        var options = new SchedulerOptions
        {
            MaxBatchTokens = budget,
            MaxRunningRequests = sequences,
            PrefillChunkTokens = chunk,
            AdmissionWatermark = watermark,
        };
        var kv = new LocalLlm.Engine.Kv.KvCacheManager(kvCapacity, blockSize: 1, prefixCaching: false, new RecordingCells(_released), []);
        return new Scheduler(options, new SequenceSlots(sequences), kv);
    }

    /// <summary>Blocks of one token make block counts equal cell counts, so capacities read as tokens.</summary>
    private sealed class RecordingCells(List<int> released) : LocalLlm.Engine.Kv.IKvCells
    {
        public void Share(int source, int target, int fromPos, int toPos)
        {
        }

        public void Drop(int sequence, int fromPos, int toPos) => released.Add(sequence);
    }

    private static Request NewRequest(int promptTokens, int? maxTokens = null)
    {
        var source = new GenerationRequest
        {
            RequestId = Guid.NewGuid().ToString("n"),
            PromptTokens = Enumerable.Range(1, promptTokens).ToArray(),
            MaxTokens = maxTokens,
        };
        return new Request(source, 4096, Channel.CreateUnbounded<GenerationEvent>().Writer, CancellationToken.None);
    }

    /// <summary>Plays the engine's part after a successful decode: scheduled tokens are computed, finished prefills sample one token.</summary>
    private static void Complete(SchedulerOutput output)
    {
        foreach ((Request request, int count) in output.Chunks)
        {
            request.NumComputed += count;
            if (request.PendingTokens == 0)
            {
                request.Tokens.Add(0);
            }
        }
    }
}
