namespace LocalLlm.Engine;

/// <summary>Counters the engine loop updates once per step; readable from any thread.</summary>
public sealed class EngineStatistics
{
    private long _steps;
    private long _batchedTokens;
    private long _stepsWithSeveralSequences;
    private long _maxSequencesInStep;
    private long _preemptions;
    private long _promptTokens;
    private long _generatedTokens;
    private long _finishedRequests;
    private long _abortedRequests;
    private long _prefixQueries;
    private long _prefixHits;
    private double _kvUsage;
    private long _stepTicks;
    private long _decodeTicks;

    public long Steps => Interlocked.Read(ref _steps);

    public long BatchedTokens => Interlocked.Read(ref _batchedTokens);

    /// <summary>Steps whose batch held more than one sequence: the proof that continuous batching happens.</summary>
    public long StepsWithSeveralSequences => Interlocked.Read(ref _stepsWithSeveralSequences);

    public long MaxSequencesInStep => Interlocked.Read(ref _maxSequencesInStep);

    public long Preemptions => Interlocked.Read(ref _preemptions);

    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    public long GeneratedTokens => Interlocked.Read(ref _generatedTokens);

    public long FinishedRequests => Interlocked.Read(ref _finishedRequests);

    /// <summary>Requests ended because their client went away or the engine stopped.</summary>
    public long AbortedRequests => Interlocked.Read(ref _abortedRequests);

    internal void RecordStep(int sequences, int tokens)
    {
        Interlocked.Increment(ref _steps);
        Interlocked.Add(ref _batchedTokens, tokens);
        if (sequences > 1)
        {
            Interlocked.Increment(ref _stepsWithSeveralSequences);
        }

        long max;
        while (sequences > (max = Interlocked.Read(ref _maxSequencesInStep))
            && Interlocked.CompareExchange(ref _maxSequencesInStep, sequences, max) != max)
        {
        }
    }

    /// <summary>Prompt tokens looked up in the prefix cache.</summary>
    public long PrefixCacheQueries => Interlocked.Read(ref _prefixQueries);

    /// <summary>Prompt tokens found in the prefix cache.</summary>
    public long PrefixCacheHits => Interlocked.Read(ref _prefixHits);

    /// <summary>Fraction of KV blocks held by running requests after the last step.</summary>
    public double KvCacheUsage => Volatile.Read(ref _kvUsage);

    internal void RecordSchedule(int preemptions, int prefixQueries, int prefixHits, double kvUsage)
    {
        if (preemptions > 0)
        {
            Interlocked.Add(ref _preemptions, preemptions);
        }

        if (prefixQueries > 0)
        {
            Interlocked.Add(ref _prefixQueries, prefixQueries);
            Interlocked.Add(ref _prefixHits, prefixHits);
        }

        Volatile.Write(ref _kvUsage, kvUsage);
    }

    /// <summary>Wall time of steps that decoded a batch, from scheduling to the last token handed to its reader.</summary>
    public TimeSpan StepTime => TimeSpan.FromSeconds((double)Interlocked.Read(ref _stepTicks) / System.Diagnostics.Stopwatch.Frequency);

    /// <summary>The part of <see cref="StepTime"/> spent inside the backend's decode: what the engine adds is the rest.</summary>
    public TimeSpan DecodeTime => TimeSpan.FromSeconds((double)Interlocked.Read(ref _decodeTicks) / System.Diagnostics.Stopwatch.Frequency);

    internal void RecordTiming(long stepTicks, long decodeTicks)
    {
        Interlocked.Add(ref _stepTicks, stepTicks);
        Interlocked.Add(ref _decodeTicks, decodeTicks);
    }

    internal void RecordGenerated() => Interlocked.Increment(ref _generatedTokens);

    internal void RecordFinished(int promptTokens, bool aborted)
    {
        Interlocked.Increment(ref _finishedRequests);
        if (aborted)
        {
            Interlocked.Increment(ref _abortedRequests);
        }

        Interlocked.Add(ref _promptTokens, promptTokens);
    }
}
