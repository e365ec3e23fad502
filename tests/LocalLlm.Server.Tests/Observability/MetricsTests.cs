using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LocalLlm.Server.Tests.Observability;

[Collection(MetricsCollection.Name)]
public sealed class MetricsTests(MetricsFixture server)
{
    [Fact]
    public async Task Metrics_AfterKnownWorkload_CountersAndHistogramsMatchItExactly()
    {
        int promptTokens = 0;
        for (int i = 0; i < 3; i++)
        {
            promptTokens += await CompleteAsync($"Question {i} about harbours", maxTokens: 5, stream: false);
        }

        for (int i = 0; i < 2; i++)
        {
            promptTokens += await CompleteAsync($"Streamed question {i}", maxTokens: 4, stream: true);
        }

        Dictionary<string, double> metrics = await ScrapeAsync();

        Assert.Equal(5, Value(metrics, "localllm_request_success_total", "finished_reason=\"length\""));
        Assert.Equal(23, Value(metrics, "localllm_generation_tokens_total"));
        Assert.Equal(promptTokens, Value(metrics, "localllm_prompt_tokens_total"));
        Assert.Equal(5, Value(metrics, "localllm_time_to_first_token_seconds_count"));
        Assert.Equal(18, Value(metrics, "localllm_inter_token_latency_seconds_count"));
        Assert.Equal(5, Value(metrics, "localllm_e2e_request_latency_seconds_count"));
        Assert.Equal(5, Value(metrics, "localllm_request_queue_time_seconds_count"));
        Assert.Equal(23, Value(metrics, "localllm_request_generation_tokens_sum"));
        Assert.Equal(promptTokens, Value(metrics, "localllm_request_prompt_tokens_sum"));
        Assert.Equal(5, Value(metrics, "localllm_request_time_per_output_token_seconds_count"));
        Assert.Equal(promptTokens, Value(metrics, "localllm_prefix_cache_queries_total"));
        Assert.Equal(0, Value(metrics, "localllm_requests_running"));
        Assert.Equal(0, Value(metrics, "localllm_kv_cache_usage_ratio"));
        Assert.True(Value(metrics, "localllm_kv_cache_blocks_total") > 0);
        Assert.True(Value(metrics, "localllm_kv_cache_blocks_cached_idle") > 0, "finished requests' full prompt blocks stay cached");
        Assert.Equal(5, Value(metrics, "localllm_e2e_request_latency_seconds_bucket", "le=\"+Inf\""));
        Assert.Contains(metrics.Keys, k => k.StartsWith("process_working_set_bytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Probes_ModelLoaded_LiveAndReady()
    {
        using HttpResponseMessage live = await server.Http.GetAsync(new Uri("/health/live", UriKind.Relative));
        using HttpResponseMessage ready = await server.Http.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private async Task<int> CompleteAsync(string prompt, int maxTokens, bool stream)
    {
        string body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = MetricsFixture.Model,
            ["stream"] = stream,
            ["stream_options"] = new Dictionary<string, bool> { ["include_usage"] = true },
            ["ignore_eos"] = true,
            ["max_tokens"] = maxTokens,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
        });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await server.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
        string text = await response.Content.ReadAsStringAsync();
        string json = stream
            ? text.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => l[6..]).Last()
            : text;
        return JsonDocument.Parse(json).RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
    }

    private async Task<Dictionary<string, double>> ScrapeAsync()
    {
        string text = await server.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int space = line.LastIndexOf(' ');
            values[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }

        return values;
    }

    private static double Value(Dictionary<string, double> metrics, string name, string? extraLabel = null)
    {
        string[] matches = metrics.Keys
            .Where(k => k.StartsWith(name + "{", StringComparison.Ordinal) && k.Contains($"model=\"{MetricsFixture.Model}\"", StringComparison.Ordinal)
                && (extraLabel is null || k.Contains(extraLabel, StringComparison.Ordinal)))
            .ToArray();
        return Assert.Single(matches) is { } key ? metrics[key] : double.NaN;
    }
}
