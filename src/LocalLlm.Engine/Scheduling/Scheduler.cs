namespace LocalLlm.Engine.Scheduling;

/// <summary>One step's work: how many tokens of each request go into the batch, in batch order.</summary>
internal readonly record struct ScheduledChunk(Request Request, int TokenCount);

internal sealed class SchedulerOutput
{
    public List<ScheduledChunk> Chunks { get; } = [];

    public List<Request> Preempted { get; } = [];

    public int TotalTokens { get; set; }

    public void Clear()
    {
        Chunks.Clear();
        Preempted.Clear();
        TotalTokens = 0;
    }
}

/// <summary>
/// Decides, every step, which requests run and how many tokens each computes, under a token budget and the KV
/// capacity. Running requests go first (one token each when decoding, a chunk when prefilling), then waiting ones in
/// arrival order. When KV cells run out it preempts the most recently admitted request: its cells are released and it
/// returns to the head of the queue to be recomputed later. Only the scheduler preempts.
/// </summary>
internal sealed class Scheduler
{
    private readonly SchedulerOptions _options;
    private readonly SequenceSlots _slots;
    private readonly int _kvCapacity;
    private readonly Action<Request> _releaseMemory;
    private readonly List<Request> _running = [];
    private readonly LinkedList<Request> _waiting = new();
    private readonly SchedulerOutput _output = new();
    private long _admissions;

    /// <param name="releaseMemory">Drops a request's KV cells; called before its sequence id is reused.</param>
    public Scheduler(SchedulerOptions options, int sequenceCount, int kvCapacity, Action<Request> releaseMemory)
    {
        _options = options;
        _slots = new SequenceSlots(Math.Min(sequenceCount, options.MaxRunningRequests));
        _kvCapacity = kvCapacity;
        _releaseMemory = releaseMemory;
    }

    public IReadOnlyList<Request> Running => _running;

    public IEnumerable<Request> Waiting => _waiting;

    public int WaitingCount => _waiting.Count;

    public bool HasWork => _running.Count > 0 || _waiting.Count > 0;

    /// <summary>KV cells held by running requests.</summary>
    public int UsedKvCells
    {
        get
        {
            int used = 0;
            foreach (Request request in _running)
            {
                used += request.NumComputed;
            }

            return used;
        }
    }

    public int KvCapacity => _kvCapacity;

    public bool CanQueue => _waiting.Count < _options.MaxWaitingRequests;

    public void Add(Request request)
    {
        request.Status = RequestStatus.Waiting;
        _waiting.AddLast(request);
    }

    public SchedulerOutput Schedule()
    {
        _output.Clear();
        int budget = _options.MaxBatchTokens;
        int free = _kvCapacity - UsedKvCells;

        for (int i = 0; i < _running.Count && budget > 0; i++)
        {
            Request request = _running[i];
            int count = Math.Min(Math.Min(request.PendingTokens, budget), _options.PrefillChunkTokens);
            while (count > free && _running.Count > 0)
            {
                Request victim = _running[^1];
                free += victim.NumComputed;
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
            free -= count;
        }

        // Admitting while preempting would evict what was just admitted.
        if (_output.Preempted.Count == 0)
        {
            int watermark = (int)(_kvCapacity * _options.AdmissionWatermark);
            while (_waiting.First is { } node && budget > 0 && _slots.Available > 0)
            {
                Request request = node.Value;
                int count = Math.Min(Math.Min(request.PendingTokens, budget), _options.PrefillChunkTokens);
                if (count + watermark > free && _running.Count > 0)
                {
                    break;
                }

                if (count > free)
                {
                    break;
                }

                _waiting.RemoveFirst();
                Admit(request);
                _output.Chunks.Add(new ScheduledChunk(request, count));
                budget -= count;
                free -= count;
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
            ReleaseSequence(request);
        }
        else if (request.Status == RequestStatus.Waiting)
        {
            _waiting.Remove(request);
        }

        request.Status = RequestStatus.Finished;
    }

    private void Admit(Request request)
    {
        request.SequenceId = _slots.Take();
        request.Status = RequestStatus.Running;
        request.AdmissionOrder = ++_admissions;
        _running.Add(request);
    }

    private void Preempt(Request request)
    {
        _running.Remove(request);
        ReleaseSequence(request);
        request.NumComputed = 0;
        request.Preemptions++;
        request.Status = RequestStatus.Waiting;
        _waiting.AddFirst(request);
        _output.Preempted.Add(request);
    }

    private void ReleaseSequence(Request request)
    {
        _releaseMemory(request);
        _slots.Return(request.SequenceId);
        request.SequenceId = -1;
    }
}
