namespace LocalLlm.Cli.Bench;

/// <summary>
/// Turns per-request outcomes into vLLM's summary (`calculate_metrics` in vLLM's benchmarks/serve.py), with its
/// definitions:
/// TPOT = (latency − TTFT) / (output tokens − 1) over completed requests with more than one output token;
/// ITL = every gap between content chunks, pooled over completed requests;
/// goodput = completed requests meeting every objective, per second (TPOT counts as 0 for one-token outputs);
/// max_output_tokens_per_s = most content chunks falling in one one-second bucket of the run;
/// max_concurrent_requests = most requests active in any one such bucket.
/// </summary>
internal static class BenchmarkCalculator
{
    public static BenchmarkResult Calculate(
        BenchTarget target,
        IReadOnlyList<RequestOutcome> outcomes,
        double duration,
        int maxConcurrency,
        double requestRate,
        double burstiness,
        IReadOnlyList<double> percentiles,
        GoodputSlo goodput,
        DateTimeOffset date)
    {
        RequestOutcome[] ok = outcomes.Where(o => o.Success).ToArray();
        double[] ttfts = ok.Select(o => o.Ttft * 1000).ToArray();
        double[] e2els = ok.Select(o => o.Latency * 1000).ToArray();
        double[] tpots = ok.Where(o => o.OutputTokens > 1).Select(o => Tpot(o) * 1000).ToArray();
        double[] itls = ok.SelectMany(o => o.Itl).Select(s => s * 1000).ToArray();

        double? goodputRate = null;
        if (!goodput.IsEmpty)
        {
            int good = ok.Count(o => goodput.IsGood(o.Ttft * 1000, o.OutputTokens > 1 ? Tpot(o) * 1000 : 0, o.Latency * 1000));
            goodputRate = good / duration;
        }

        long input = ok.Sum(o => (long)o.PromptTokens);
        long output = ok.Sum(o => (long)o.OutputTokens);
        (double peakTokens, int peakConcurrent) = PeakPerSecond(ok);
        return new BenchmarkResult
        {
            Target = target,
            MaxConcurrency = maxConcurrency,
            NumPrompts = outcomes.Count,
            RequestRate = requestRate,
            Burstiness = burstiness,
            Duration = duration,
            Completed = ok.Length,
            Failed = outcomes.Count - ok.Length,
            TotalInputTokens = input,
            TotalOutputTokens = output,
            RequestThroughput = ok.Length / duration,
            RequestGoodput = goodputRate,
            OutputThroughput = output / duration,
            TotalTokenThroughput = (input + output) / duration,
            MaxOutputTokensPerSecond = peakTokens,
            MaxConcurrentRequests = peakConcurrent,
            Latencies = new Dictionary<LatencyMetric, LatencyStatistics>
            {
                [LatencyMetric.Ttft] = LatencyStatistics.From(ttfts, percentiles),
                [LatencyMetric.Tpot] = LatencyStatistics.From(tpots, percentiles),
                [LatencyMetric.Itl] = LatencyStatistics.From(itls, percentiles),
                [LatencyMetric.E2el] = LatencyStatistics.From(e2els, percentiles),
            },
            Outcomes = outcomes,
            Date = date,
        };
    }

    /// <summary>Seconds per output token after the first; defined for outputs of more than one token.</summary>
    public static double Tpot(RequestOutcome outcome) => (outcome.Latency - outcome.Ttft) / (outcome.OutputTokens - 1);

    /// <summary>
    /// vLLM's one-second buckets from the earliest start: each content chunk lands in the bucket of its arrival
    /// (start + TTFT + running sum of ITL), each request counts in every bucket from its start to its end.
    /// </summary>
    public static (double MaxOutputTokensPerSecond, int MaxConcurrentRequests) PeakPerSecond(IReadOnlyList<RequestOutcome> completed)
    {
        if (completed.Count == 0)
        {
            return (0, 0);
        }

        double origin = completed.Min(o => o.StartTime);
        double end = completed.Max(o => o.StartTime + o.Latency);
        int buckets = (int)Math.Ceiling(end - origin) + 1;
        var tokens = new double[buckets];
        var concurrent = new int[buckets];
        foreach (RequestOutcome o in completed)
        {
            double time = o.StartTime + o.Ttft;
            AddToken(time);
            foreach (double gap in o.Itl)
            {
                time += gap;
                AddToken(time);
            }

            int first = (int)(o.StartTime - origin);
            int last = Math.Min((int)(o.StartTime + o.Latency - origin), buckets - 1);
            for (int second = first; second <= last; second++)
            {
                concurrent[second]++;
            }
        }

        return (tokens.Max(), concurrent.Max());

        void AddToken(double time)
        {
            int bucket = (int)(time - origin);
            if (bucket >= 0 && bucket < buckets)
            {
                tokens[bucket]++;
            }
        }
    }
}
