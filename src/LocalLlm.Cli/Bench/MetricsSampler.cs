namespace LocalLlm.Cli.Bench;

/// <summary>
/// Samples the target's Prometheus `/metrics` every <see cref="Interval"/> while a run goes on: the server's
/// working set (`process_working_set_bytes`, prometheus-net's default) and its KV-cache usage
/// (`localllm_kv_cache_usage_ratio{model="..."}`, 0..1). A target that does not answer `/metrics` yields
/// <see cref="ServerMetricsSummary.None"/>, reported as "n/a"; a scrape that fails mid-run is skipped.
/// </summary>
internal sealed class MetricsSampler : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly HttpClient _http;
    private readonly BenchTarget _target;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private readonly List<double> _kvUsage = [];
    private double? _peakWorkingSet;
    private int _samples;

    private MetricsSampler(HttpClient http, BenchTarget target)
    {
        _http = http;
        _target = target;
    }

    /// <summary>Starts sampling when a first scrape answers with Prometheus text; otherwise returns null.</summary>
    public static async Task<MetricsSampler?> TryStartAsync(HttpClient http, BenchTarget target, CancellationToken cancellation)
    {
        var sampler = new MetricsSampler(http, target);
        if (!await sampler.ScrapeAsync(cancellation))
        {
            await sampler.DisposeAsync();
            return null;
        }

        sampler._loop = Task.Run(sampler.LoopAsync, CancellationToken.None);
        return sampler;
    }

    /// <summary>Stops sampling (after one last scrape) and summarises what was seen.</summary>
    public async Task<ServerMetricsSummary> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await ScrapeAsync(CancellationToken.None);
        lock (_kvUsage)
        {
            return _samples == 0
                ? ServerMetricsSummary.None
                : new ServerMetricsSummary(_samples, _peakWorkingSet, _kvUsage.Count > 0 ? _kvUsage.Max() : null, _kvUsage.Count > 0 ? _kvUsage.Average() : null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await ScrapeAsync(_stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the run is over.
        }
    }

    private async Task<bool> ScrapeAsync(CancellationToken cancellation)
    {
        string text;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using HttpResponseMessage response = await _http.GetAsync(new Uri(_target.BaseUrl, "metrics"), timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            text = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return false;
        }

        List<PrometheusSample> samples = PrometheusText.Parse(text);
        double? workingSet = PrometheusText.Max(samples, "process_working_set_bytes");
        double? kv = PrometheusText.Max(samples, "localllm_kv_cache_usage_ratio", new Dictionary<string, string> { ["model"] = _target.Model })
                     ?? PrometheusText.Max(samples, "localllm_kv_cache_usage_ratio");
        if (workingSet is null && kv is null)
        {
            return false;
        }

        lock (_kvUsage)
        {
            _samples++;
            if (workingSet is { } ws)
            {
                _peakWorkingSet = Math.Max(_peakWorkingSet ?? 0, ws);
            }

            if (kv is { } usage)
            {
                _kvUsage.Add(usage);
            }
        }

        return true;
    }
}
