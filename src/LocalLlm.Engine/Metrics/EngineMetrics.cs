using System.Diagnostics.Metrics;

namespace LocalLlm.Engine.Metrics;

/// <summary>
/// The engine's instruments, tagged with the model id. Instrument names are the Prometheus names the host exports
/// (and the meter is named <see cref="MeterName"/>), so dashboards and the docs use one spelling.
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    public const string MeterName = "localllm";

    private readonly Meter _meter = new(MeterName);
    private readonly KeyValuePair<string, object?> _model;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _generationTokens;
    private readonly Counter<long> _requestSuccess;
    private readonly Counter<long> _preemptions;
    private readonly Counter<long> _prefixQueries;
    private readonly Counter<long> _prefixHits;
    private readonly Histogram<double> _ttft;
    private readonly Histogram<double> _interToken;
    private readonly Histogram<double> _timePerOutputToken;
    private readonly Histogram<double> _e2e;
    private readonly Histogram<double> _queue;
    private readonly Histogram<double> _prefill;
    private readonly Histogram<double> _decode;
    private readonly Histogram<long> _promptLength;
    private readonly Histogram<long> _generationLength;
    private readonly Histogram<long> _iterationTokens;

    internal EngineMetrics(string modelId, Func<EngineGauges> gauges)
    {
        _model = new("model", modelId);
        Gauge("localllm_requests_running", "Requests holding a sequence and KV blocks.", () => gauges().Running);
        Gauge("localllm_requests_waiting", "Requests queued for admission (new and preempted).", () => gauges().Waiting);
        Gauge("localllm_kv_cache_usage_ratio", "Fraction of KV blocks held by running requests (0..1).", () => gauges().KvUsage);
        Gauge("localllm_kv_cache_blocks_total", "KV blocks in the cache.", () => gauges().BlocksTotal);
        Gauge("localllm_kv_cache_blocks_used", "KV blocks held by running requests.", () => gauges().BlocksUsed);
        Gauge("localllm_kv_cache_blocks_cached_idle", "Free KV blocks still holding a finished request's cached prefix.", () => gauges().BlocksIdleCached);
        _promptTokens = _meter.CreateCounter<long>("localllm_prompt_tokens_total", "{token}", "Prompt tokens of finished requests.");
        _generationTokens = _meter.CreateCounter<long>("localllm_generation_tokens_total", "{token}", "Generated tokens.");
        _requestSuccess = _meter.CreateCounter<long>("localllm_request_success_total", "{request}", "Finished requests by finished_reason (stop, length, abort, error).");
        _preemptions = _meter.CreateCounter<long>("localllm_preemptions_total", "{preemption}", "Requests preempted for lack of KV blocks.");
        _prefixQueries = _meter.CreateCounter<long>("localllm_prefix_cache_queries_total", "{token}", "Prompt tokens looked up in the prefix cache.");
        _prefixHits = _meter.CreateCounter<long>("localllm_prefix_cache_hits_total", "{token}", "Prompt tokens found in the prefix cache.");
        _ttft = Seconds("localllm_time_to_first_token_seconds", "Time from arrival to the first generated token.");
        _interToken = Seconds("localllm_inter_token_latency_seconds", "Time between consecutive generated tokens of a request.");
        _timePerOutputToken = Seconds("localllm_request_time_per_output_token_seconds", "Decode time divided by generated tokens after the first.");
        _e2e = Seconds("localllm_e2e_request_latency_seconds", "Time from arrival to the end of the request.");
        _queue = Seconds("localllm_request_queue_time_seconds", "Time from arrival to first admission.");
        _prefill = Seconds("localllm_request_prefill_time_seconds", "Time from first admission to the first generated token.");
        _decode = Seconds("localllm_request_decode_time_seconds", "Time from the first generated token to the end of the request.");
        _promptLength = _meter.CreateHistogram<long>("localllm_request_prompt_tokens", "{token}", "Prompt length of finished requests.");
        _generationLength = _meter.CreateHistogram<long>("localllm_request_generation_tokens", "{token}", "Generated tokens of finished requests.");
        _iterationTokens = _meter.CreateHistogram<long>("localllm_iteration_tokens_total", "{token}", "Tokens in one engine step's batch.");
    }

    public void Dispose() => _meter.Dispose();

    internal void Step(int tokens) => _iterationTokens.Record(tokens, _model);

    internal void Preempted(int count) => _preemptions.Add(count, _model);

    internal void PrefixLookup(int queries, int hits)
    {
        _prefixQueries.Add(queries, _model);
        _prefixHits.Add(hits, _model);
    }

    internal void Token(bool first, double sinceArrivalOrLast)
    {
        _generationTokens.Add(1, _model);
        (first ? _ttft : _interToken).Record(sinceArrivalOrLast, _model);
    }

    internal void Finished(string reason, RequestTimes times, int promptTokens, int generatedTokens)
    {
        _requestSuccess.Add(1, _model, new KeyValuePair<string, object?>("finished_reason", reason));
        _promptTokens.Add(promptTokens, _model);
        _promptLength.Record(promptTokens, _model);
        _generationLength.Record(generatedTokens, _model);
        _e2e.Record(times.EndToEnd, _model);
        if (times.Queue is double queue)
        {
            _queue.Record(queue, _model);
        }

        if (times.Prefill is double prefill)
        {
            _prefill.Record(prefill, _model);
            _decode.Record(times.Decode!.Value, _model);
            if (generatedTokens > 1)
            {
                _timePerOutputToken.Record(times.Decode.Value / (generatedTokens - 1), _model);
            }
        }
    }

    private void Gauge(string name, string description, Func<double> read) =>
        _meter.CreateObservableGauge(name, () => new Measurement<double>(read(), _model), description: description);

    private Histogram<double> Seconds(string name, string description) => _meter.CreateHistogram<double>(name, "s", description);
}

/// <summary>A consistent snapshot of the engine's state for the gauges.</summary>
internal readonly record struct EngineGauges(int Running, int Waiting, double KvUsage, int BlocksTotal, int BlocksUsed, int BlocksIdleCached);

/// <summary>Phases of one request in seconds; null where the request never reached the phase.</summary>
internal readonly record struct RequestTimes(double EndToEnd, double? Queue, double? Prefill, double? Decode);
