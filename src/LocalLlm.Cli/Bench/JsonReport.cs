using System.Globalization;
using System.Text.Json;

namespace LocalLlm.Cli.Bench;

/// <summary>
/// One JSON file per run with the keys `vllm bench serve --save-result` writes (`date`, `backend`, `model_id`,
/// `num_prompts`, `request_rate`, `burstiness`, `max_concurrency`, the summary fields, `mean_/median_/std_/pNN_X_ms`
/// for the selected metrics, and the per-request `input_lens`, `output_lens`, `ttfts`, `itls` in seconds and
/// `errors`), plus this tool's `server_*` fields (null when the target has no `/metrics`).
/// </summary>
internal static class JsonReport
{
    public static byte[] Render(BenchmarkResult r, BenchOptions options, string label)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("date", r.Date.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            json.WriteString("backend", "openai-chat");
            json.WriteString("label", label);
            json.WriteString("model_id", r.Target.Model);
            json.WriteString("base_url", r.Target.BaseUrl.ToString());
            json.WriteNumber("num_prompts", r.NumPrompts);
            if (double.IsPositiveInfinity(r.RequestRate))
            {
                json.WriteString("request_rate", "inf");
            }
            else
            {
                json.WriteNumber("request_rate", r.RequestRate);
            }

            json.WriteNumber("burstiness", r.Burstiness);
            json.WriteNumber("max_concurrency", r.MaxConcurrency);
            json.WriteString("dataset", options.Dataset);
            json.WriteNumber("input_len", options.InputLen);
            json.WriteNumber("output_len", options.OutputLen);
            json.WriteNumber("shared_prefix_len", options.SharedPrefixLen);
            json.WriteNumber("seed", options.Seed);
            json.WriteNumber("duration", r.Duration);
            json.WriteNumber("completed", r.Completed);
            json.WriteNumber("failed", r.Failed);
            json.WriteNumber("total_input_tokens", r.TotalInputTokens);
            json.WriteNumber("total_output_tokens", r.TotalOutputTokens);
            json.WriteNumber("request_throughput", r.RequestThroughput);
            WriteNullable(json, "request_goodput", r.RequestGoodput);
            json.WriteNumber("output_throughput", r.OutputThroughput);
            json.WriteNumber("total_token_throughput", r.TotalTokenThroughput);
            json.WriteNumber("max_output_tokens_per_s", r.MaxOutputTokensPerSecond);
            json.WriteNumber("max_concurrent_requests", r.MaxConcurrentRequests);
            if (!options.Goodput.IsEmpty)
            {
                json.WriteStartObject("goodput_slo_ms");
                foreach ((string metric, double ms) in options.Goodput.Milliseconds)
                {
                    json.WriteNumber(metric, ms);
                }

                json.WriteEndObject();
            }

            foreach (LatencyMetric metric in options.PercentileMetrics)
            {
                string key = BenchOptions.MetricKey(metric);
                LatencyStatistics stats = r.Latencies[metric];
                json.WriteNumber($"mean_{key}_ms", stats.Mean);
                json.WriteNumber($"median_{key}_ms", stats.Median);
                json.WriteNumber($"std_{key}_ms", stats.Std);
                foreach ((double p, double value) in stats.Percentiles)
                {
                    json.WriteNumber($"p{Percentiles.Word(p)}_{key}_ms", value);
                }
            }

            json.WriteNumber("server_metrics_samples", r.Server.Samples);
            WriteNullable(json, "server_peak_working_set_bytes", r.Server.PeakWorkingSetBytes);
            WriteNullable(json, "server_peak_kv_cache_usage_ratio", r.Server.PeakKvCacheUsage);
            WriteNullable(json, "server_mean_kv_cache_usage_ratio", r.Server.MeanKvCacheUsage);

            WriteArray(json, "input_lens", r.Outcomes.Select(o => (double)o.PromptTokens));
            WriteArray(json, "output_lens", r.Outcomes.Select(o => (double)o.OutputTokens));
            WriteArray(json, "ttfts", r.Outcomes.Select(o => o.Ttft));
            json.WriteStartArray("itls");
            foreach (RequestOutcome o in r.Outcomes)
            {
                json.WriteStartArray();
                foreach (double gap in o.Itl)
                {
                    json.WriteNumberValue(gap);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("errors");
            foreach (RequestOutcome o in r.Outcomes)
            {
                json.WriteStringValue(o.Error);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (double value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }
}
