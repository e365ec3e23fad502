using LocalLlm.Engine.Kv;

namespace LocalLlm.Engine.Scheduling;

/// <summary>One step's work: how many tokens of each request go into the batch, in batch order.</summary>
internal readonly record struct ScheduledChunk(Request Request, int TokenCount);

internal sealed class SchedulerOutput
{
    public List<ScheduledChunk> Chunks { get; } = [];

    public List<Request> Preempted { get; } = [];

    public int TotalTokens { get; set; }

    /// <summary>Prompt tokens looked up in the prefix cache this step, and how many were found.</summary>
    public int PrefixQueries { get; set; }

    public int PrefixHits { get; set; }

    public void Clear()
    {
        Chunks.Clear();
        Preempted.Clear();
        TotalTokens = 0;
        PrefixQueries = 0;
        PrefixHits = 0;
    }
}

/// <summary>
/// Decides, every step, which requests run and how many tokens each computes, under a token budget and the KV
/// blocks available. Running requests go first (one token each when decoding, a chunk when prefilling), then waiting
/// ones in arrival order, each first looked up in the prefix cache. When blocks run out it preempts the most recently
/// admitted request: its blocks are freed (cached ones stay findable) and it returns to the head of the queue, to be
/// recomputed later with the tokens it already generated. Only the scheduler preempts.
/// </summary>
internal sealed class Scheduler
{
    private readonly SchedulerOptions _options;
    private readonly SequenceSlots _slots;
    private readonly KvCacheManager _kv;
    private readonly List<Request> _running = [];
    private readonly LinkedList<Request> _waiting = new();
    private readonly SchedulerOutput _output = new();
    private long _admissions;

    public Scheduler(SchedulerOptions options, SequenceSlots slots, KvCacheManager kv)
    {
        _options = options;
        _slots = slots;
        _kv = kv;
    }

    public IReadOnlyList<Request> Running => _running;

    public IEnumerable<Request> Waiting => _waiting;

    public int WaitingCount => _waiting.Count;

    public bool HasWork => _running.Count > 0 || _waiting.Count > 0;

    public KvCacheManager Kv => _kv;

    public void Add(Request request)
    {
        request.Status = RequestStatus.Waiting;
        _waiting.AddLast(request);
    }

    public SchedulerOutput Schedule()
    {
        _output.Clear();
        int budget = _options.MaxBatchTokens;
        for (int i = 0; i < _running.Count && budget > 0; i++)
        {
            Request request = _running[i];
            int count = Math.Min(Math.Min(request.PendingTokens, budget), _options.PrefillChunkTokens);
            while (!_kv.TryAllocate(request, count, []))
            {
                Request victim = _running[^1];
                Preempt(victim);
                if (ReferenceEquals(victim, request))
                {
                    break;
                }
            }

            if (request.Status != RequestStatus.Running)
            {
                break;
            }

            _output.Chunks.Add(new ScheduledChunk(request, count));
            budget -= count;
        }

        // Admitting while preempting would evict what was just admitted.
        if (_output.Preempted.Count == 0)
        {
            int keepFree = (int)(_kv.TotalBlocks * _options.AdmissionWatermark);
            for (LinkedListNode<Request>? node = _waiting.First; node is not null && budget > 0 && _slots.Available > 0;)
            {
                LinkedListNode<Request>? next = node.Next;
                AdmitResult result = TryAdmit(node.Value, ref budget, _running.Count > 0 ? keepFree : 0);
                if (result == AdmitResult.NoRoom)
                {
                    break;
                }

                if (result == AdmitResult.Admitted)
                {
                    _waiting.Remove(node);
                }

                node = next;
            }
        }

        _output.TotalTokens = _options.MaxBatchTokens - budget;
        return _output;
    }

    /// <summary>Preempts the most recently admitted running request; used when the backend reports no KV slot.</summary>
    public Request? PreemptLast()
    {
        if (_running.Count == 0)
        {
            return null;
        }

        Request victim = _running[^1];
        Preempt(victim);
        return victim;
    }

    /// <summary>Removes a finished or aborted request wherever it is and releases what it holds.</summary>
    public void Finish(Request request)
    {
        if (request.Status == RequestStatus.Running)
        {
            _running.Remove(request);
            Release(request);
        }
        else if (request.Status == RequestStatus.Waiting)
        {
            _waiting.Remove(request);
        }

        request.Status = RequestStatus.Finished;
    }

    private enum AdmitResult
    {
        Admitted,

        /// <summary>Not enough blocks or sequences: admit nothing more this step.</summary>
        NoRoom,

        /// <summary>Its next prefix block is being computed by a running request; later ones may go first.</summary>
        Deferred,
    }

    private AdmitResult TryAdmit(Request request, ref int budget, int keepFree)
    {
        List<KvBlock> hits = _kv.FindCachedPrefix(request);
        if (_kv.WillBeCached(request, hits.Count, _running))
        {
            return AdmitResult.Deferred;
        }

        int cached = hits.Count * _kv.BlockSize;
        int count = Math.Min(Math.Min(request.PendingTokens - cached, budget), _options.PrefillChunkTokens);
        request.SequenceId = _slots.Take();
        if (!_kv.TryAllocate(request, count, hits, keepFree))
        {
            _slots.Return(request.SequenceId);
            request.SequenceId = -1;
            return AdmitResult.NoRoom;
        }

        if (request.CachedPromptTokens < 0)
        {
            request.CachedPromptTokens = Math.Min(cached, request.PromptLength);
            _output.PrefixQueries += request.PromptLength;
            _output.PrefixHits += request.CachedPromptTokens;
        }

        if (request.FirstScheduledTimestamp == 0)
        {
            request.FirstScheduledTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        }

        request.Status = RequestStatus.Running;
        request.AdmissionOrder = ++_admissions;
        _running.Add(request);
        _output.Chunks.Add(new ScheduledChunk(request, count));
        budget -= count;
        return AdmitResult.Admitted;
    }

    private void Preempt(Request request)
    {
        _running.Remove(request);
        Release(request);
        request.NumComputed = 0;
        request.Preemptions++;
        request.Status = RequestStatus.Waiting;
        _waiting.AddFirst(request);
        _output.Preempted.Add(request);
    }

    private void Release(Request request)
    {
        _kv.Free(request);
        _slots.Return(request.SequenceId);
        request.SequenceId = -1;
    }
}
