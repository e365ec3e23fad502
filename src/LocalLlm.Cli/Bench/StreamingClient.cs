using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LocalLlm.Cli.Bench;

/// <summary>
/// Sends one streamed chat completion to an OpenAI-compatible endpoint and times it as `vllm bench serve` does for
/// its `openai-chat` backend: TTFT at the first chunk carrying content, one ITL gap per later content chunk, E2EL at
/// the end of the stream. Token counts come from the server's `usage` (requested with `stream_options.include_usage`);
/// `ignore_eos` asks for exactly `max_tokens` tokens, so runs against different servers generate the same amount.
/// </summary>
internal static class StreamingClient
{
    public static async Task<RequestOutcome> SendAsync(
        HttpClient http, BenchTarget target, string prompt, int maxTokens, Stopwatch runClock, CancellationToken cancellation)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = target.Model,
            ["stream"] = true,
            ["stream_options"] = new Dictionary<string, object> { ["include_usage"] = true },
            ["max_tokens"] = maxTokens,
            ["ignore_eos"] = true,
            ["temperature"] = 0,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(target.BaseUrl, "v1/chat/completions"))
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        double start = runClock.Elapsed.TotalSeconds;
        var clock = Stopwatch.StartNew();
        double ttft = 0;
        double last = 0;
        var itl = new List<double>();
        int contentChunks = 0;
        int? outputTokens = null;
        int promptTokens = 0;
        try
        {
            using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            if (!response.IsSuccessStatusCode)
            {
                string text = await response.Content.ReadAsStringAsync(cancellation);
                return RequestOutcome.Failed(start, clock.Elapsed.TotalSeconds, $"HTTP {(int)response.StatusCode}: {Truncate(text)}");
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation));
            while (await reader.ReadLineAsync(cancellation) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    continue;
                }

                ReadOnlyMemory<char> data = line.AsMemory(5).TrimStart();
                if (data.Span.SequenceEqual("[DONE]"))
                {
                    break;
                }

                double now = clock.Elapsed.TotalSeconds;
                using JsonDocument chunk = JsonDocument.Parse(data);
                JsonElement root = chunk.RootElement;
                if (root.TryGetProperty("error", out JsonElement error))
                {
                    return RequestOutcome.Failed(start, now, Truncate(error.ToString()));
                }

                if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    outputTokens = usage.GetProperty("completion_tokens").GetInt32();
                    promptTokens = usage.GetProperty("prompt_tokens").GetInt32();
                }

                if (HasContent(root))
                {
                    if (contentChunks == 0)
                    {
                        ttft = now;
                    }
                    else
                    {
                        itl.Add(now - last);
                    }

                    last = now;
                    contentChunks++;
                }
            }

            double latency = clock.Elapsed.TotalSeconds;
            return contentChunks == 0
                ? RequestOutcome.Failed(start, latency, "the stream carried no content")
                : new RequestOutcome(true, start, ttft, latency, itl, promptTokens, outputTokens ?? contentChunks, "");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or KeyNotFoundException or InvalidOperationException
                                      || (e is TaskCanceledException && !cancellation.IsCancellationRequested))
        {
            return RequestOutcome.Failed(start, clock.Elapsed.TotalSeconds, $"{e.GetType().Name}: {Truncate(e.Message)}");
        }
    }

    private static bool HasContent(JsonElement root)
    {
        if (!root.TryGetProperty("choices", out JsonElement choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0
            || !choices[0].TryGetProperty("delta", out JsonElement delta))
        {
            return false;
        }

        // Reasoning models stream their thinking as reasoning_content; those tokens count as output, as in vLLM.
        return (delta.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String && content.GetString()!.Length > 0)
            || (delta.TryGetProperty("reasoning_content", out JsonElement reasoning) && reasoning.ValueKind == JsonValueKind.String && reasoning.GetString()!.Length > 0);
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
