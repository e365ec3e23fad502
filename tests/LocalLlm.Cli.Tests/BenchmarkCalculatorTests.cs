using LocalLlm.Cli.Bench;

namespace LocalLlm.Cli.Tests;

public sealed class BenchmarkCalculatorTests
{
    private static readonly BenchTarget Target = new(new Uri("http://127.0.0.1:1/"), "m");

    // Three completed requests and one failure, in seconds since the run began:
    // A: sent at 0.0, first chunk at +0.1, chunks every 0.1, 0.1, 0.2 → chunk times 0.1, 0.2, 0.3, 0.5; 4 tokens, 10 prompt.
    // B: sent at 0.2, first chunk at +0.3 (0.5), one more 0.7 later (1.2); 2 tokens, 20 prompt.
    // C: sent at 0.3, a single chunk at +0.05 (0.35); 1 token, 5 prompt.
    // D: failed.
    private static readonly RequestOutcome[] Outcomes =
    [
        new(true, 0.0, 0.1, 0.5, [0.1, 0.1, 0.2], 10, 4, ""),
        new(true, 0.2, 0.3, 1.0, [0.7], 20, 2, ""),
        new(true, 0.3, 0.05, 0.05, [], 5, 1, ""),
        RequestOutcome.Failed(0.4, 0.01, "HTTP 500"),
    ];

    private static BenchmarkResult Calculate(string goodput = "") =>
        BenchmarkCalculator.Calculate(Target, Outcomes, 2.0, 3, double.PositiveInfinity, 1.0, [50, 99], GoodputSlo.Parse(goodput), DateTimeOffset.UnixEpoch);

    [Fact]
    public void Totals_and_throughputs_count_completed_requests_over_the_duration()
    {
        BenchmarkResult r = Calculate();
        Assert.Equal((3, 1, 35L, 7L), (r.Completed, r.Failed, r.TotalInputTokens, r.TotalOutputTokens));
        Assert.Equal(1.5, r.RequestThroughput, 10);      // 3 / 2 s
        Assert.Equal(3.5, r.OutputThroughput, 10);       // 7 / 2 s
        Assert.Equal(21.0, r.TotalTokenThroughput, 10);  // (35 + 7) / 2 s
        Assert.Null(r.RequestGoodput);
    }

    [Fact]
    public void Tpot_excludes_the_first_token_and_one_token_outputs()
    {
        // A: (0.5 − 0.1) / (4 − 1) = 133.33 ms; B: (1.0 − 0.3) / (2 − 1) = 700 ms; C has one token and no TPOT.
        LatencyStatistics tpot = Calculate().Latencies[LatencyMetric.Tpot];
        Assert.Equal((400.0 / 3 + 700) / 2, tpot.Mean, 8);
        Assert.Equal((700 - (400.0 / 3)) / 2, tpot.Std, 8);
        Assert.Equal(400.0 / 3, BenchmarkCalculator.Tpot(Outcomes[0]) * 1000, 8);
    }

    [Fact]
    public void Itl_pools_every_gap_of_every_completed_request()
    {
        // Pooled gaps: 100, 100, 200 (A) and 700 (B) ms → mean 275, median 150, p99 at rank 2.97 → 200 + 0.97 × 500.
        LatencyStatistics itl = Calculate().Latencies[LatencyMetric.Itl];
        Assert.Equal(275, itl.Mean, 8);
        Assert.Equal(150, itl.Median, 8);
        Assert.Equal(685, itl.At(99), 8);
    }

    [Fact]
    public void Ttft_and_e2el_cover_completed_requests_only()
    {
        BenchmarkResult r = Calculate();
        Assert.Equal(150, r.Latencies[LatencyMetric.Ttft].Mean, 8);         // (100 + 300 + 50) / 3
        Assert.Equal(100, r.Latencies[LatencyMetric.Ttft].Median, 8);
        Assert.Equal(500, r.Latencies[LatencyMetric.E2el].Median, 8);       // of 500, 1000, 50
    }

    [Fact]
    public void Goodput_counts_requests_meeting_every_objective_and_one_token_outputs_pass_tpot()
    {
        // ttft ≤ 200 and tpot ≤ 500: A (100, 133) good, B (300, 700) not, C (50, one token → tpot 0) good → 2 / 2 s.
        Assert.Equal(1.0, Calculate("ttft:200,tpot:500").RequestGoodput!.Value, 10);
        // tpot ≤ 100 alone: only C.
        Assert.Equal(0.5, Calculate("tpot:100").RequestGoodput!.Value, 10);
    }

    [Fact]
    public void Peak_output_tokens_and_concurrency_use_one_second_buckets()
    {
        // Chunk times 0.1, 0.2, 0.3, 0.5 (A), 0.5, 1.2 (B), 0.35 (C): bucket [0, 1) holds 6, [1, 2) holds 1.
        // Active requests: A in bucket 0, B in 0 and 1, C in 0 → at most 3 in one bucket.
        BenchmarkResult r = Calculate();
        Assert.Equal(6, r.MaxOutputTokensPerSecond);
        Assert.Equal(3, r.MaxConcurrentRequests);
        Assert.Equal((0.0, 0), BenchmarkCalculator.PeakPerSecond([]));
    }

    [Fact]
    public void Poisson_arrivals_have_the_requested_mean_gap_and_burstiness_sets_their_spread()
    {
        // Gamma(shape k, scale 1/(rate k)): mean 1/rate, coefficient of variation 1/√k.
        foreach (double burstiness in new[] { 1.0, 4.0, 0.5 })
        {
            var schedule = new ArrivalSchedule(10, burstiness, seed: 7);
            double[] gaps = Enumerable.Range(0, 20000).Select(_ => schedule.NextGap()).ToArray();
            double mean = gaps.Average();
            double cv = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / gaps.Length) / mean;
            Assert.InRange(mean, 0.097, 0.103);
            Assert.InRange(cv, 0.95 / Math.Sqrt(burstiness), 1.05 / Math.Sqrt(burstiness));
        }

        Assert.Equal(0, new ArrivalSchedule(double.PositiveInfinity, 1, 0).NextGap());
    }

    [Fact]
    public void Targets_pair_urls_with_models()
    {
        IReadOnlyList<BenchTarget> one = BenchTarget.Pair(["http://a:1", "http://b:2/v1"], ["m"]);
        Assert.Equal(["http://a:1/", "http://b:2/"], one.Select(t => t.BaseUrl.ToString()));
        Assert.All(one, t => Assert.Equal("m", t.Model));
        Assert.Equal(["x", "y"], BenchTarget.Pair(["http://a:1"], ["x", "y"]).Select(t => t.Model));
        Assert.Throws<ArgumentException>(() => BenchTarget.Pair(["http://a:1", "http://b:1"], ["x", "y", "z"]));
        Assert.Throws<ArgumentException>(() => BenchTarget.Pair(["ftp://a"], ["x"]));
    }
}
