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

    internal void RecordPreemption() => Interlocked.Increment(ref _preemptions);

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
