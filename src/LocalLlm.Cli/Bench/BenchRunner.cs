using System.Diagnostics;

namespace LocalLlm.Cli.Bench;

/// <summary>
/// Runs every target at every concurrency, one run at a time so runs never compete for the machine. Within a run,
/// requests arrive on the <see cref="ArrivalSchedule"/> and at most `concurrency` stream at once (vLLM's
/// `--max-concurrency`); later arrivals wait for a free slot, and their timing starts when they are sent.
/// </summary>
internal sealed class BenchRunner(HttpClient http, BenchOptions options, IBenchProgress progress)
{
    public async Task<IReadOnlyList<BenchmarkResult>> RunAsync(CancellationToken cancellation)
    {
        var results = new List<BenchmarkResult>();
        foreach (BenchTarget target in options.Targets)
        {
            await WarmUpAsync(target, cancellation);
            for (int run = 0; run < options.Concurrencies.Count; run++)
            {
                results.Add(await RunOneAsync(target, options.Concurrencies[run], run, cancellation));
            }
        }

        return results;
    }

    /// <summary>
    /// One short request before measuring, as vLLM's test prompt: it fails fast on a wrong URL or model id, and
    /// the server's first-request costs (JIT, allocations) stay out of the figures.
    /// </summary>
    private async Task WarmUpAsync(BenchTarget target, CancellationToken cancellation)
    {
        string prompt = options.Prompts(1, run: -1)[0];
        RequestOutcome outcome = await StreamingClient.SendAsync(http, target, prompt, Math.Min(options.OutputLen, 8), Stopwatch.StartNew(), cancellation);
        if (!outcome.Success)
        {
            throw new BenchTargetException($"{target.Name}: the warm-up request failed: {outcome.Error}");
        }
    }

    private async Task<BenchmarkResult> RunOneAsync(BenchTarget target, int concurrency, int run, CancellationToken cancellation)
    {
        string[] prompts = options.Prompts(options.PromptsFor(concurrency), run);
        var date = DateTimeOffset.Now;
        progress.Begin($"{target.Name} c={concurrency}", prompts.Length);
        await using MetricsSampler? sampler = await MetricsSampler.TryStartAsync(http, target, cancellation);

        var schedule = new ArrivalSchedule(options.RequestRate, options.Burstiness, options.Seed);
        using var slots = new SemaphoreSlim(concurrency);
        var clock = Stopwatch.StartNew();
        var requests = new List<Task<RequestOutcome>>(prompts.Length);
        for (int i = 0; i < prompts.Length; i++)
        {
            requests.Add(SendWhenFreeAsync(prompts[i]));
            if (i + 1 < prompts.Length && schedule.NextGap() is var gap and > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(gap), cancellation);
            }
        }

        RequestOutcome[] outcomes = await Task.WhenAll(requests);
        double duration = clock.Elapsed.TotalSeconds;
        ServerMetricsSummary server = sampler is null ? ServerMetricsSummary.None : await sampler.StopAsync();

        BenchmarkResult result = BenchmarkCalculator.Calculate(
            target, outcomes, duration, concurrency, options.RequestRate, options.Burstiness, options.MetricPercentiles, options.Goodput, date)
            with { Server = server };
        progress.End(result);
        return result;

        async Task<RequestOutcome> SendWhenFreeAsync(string prompt)
        {
            await slots.WaitAsync(cancellation);
            try
            {
                return await StreamingClient.SendAsync(http, target, prompt, options.OutputLen, clock, cancellation);
            }
            finally
            {
                slots.Release();
                progress.Advance();
            }
        }
    }
}

/// <summary>A target that cannot be benchmarked (unreachable, unknown model).</summary>
internal sealed class BenchTargetException(string message) : Exception(message);
