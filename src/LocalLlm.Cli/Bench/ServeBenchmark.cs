using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LocalLlm.Cli.Bench;

internal sealed record ServeBenchmarkSettings(Uri BaseUrl, string Model, int Concurrency, int NumPrompts, int InputWords, int OutputTokens, int Seed);

/// <summary>What one streamed request measured on the client side.</summary>
internal sealed record RequestTiming(bool Success, double TtftMs, double E2elMs, int OutputTokens, int InputTokens, IReadOnlyList<double> ItlMs);

/// <summary>
/// Streams chat requests at a fixed concurrency against any OpenAI-compatible endpoint and measures each one
/// the way `vllm bench serve` defines TTFT, ITL and E2EL.
/// </summary>
internal static class ServeBenchmark
{
    public static async Task<(IReadOnlyList<RequestTiming> Timings, double DurationSeconds)> RunAsync(
        HttpClient http, ServeBenchmarkSettings settings, CancellationToken cancellation)
    {
        string[] prompts = PromptGenerator.Create(settings.NumPrompts, settings.InputWords, settings.Seed);
        var timings = new RequestTiming[prompts.Length];
        int next = -1;
        var clock = Stopwatch.StartNew();
        Task[] workers = Enumerable.Range(0, settings.Concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < prompts.Length)
            {
                timings[index] = await SendAsync(http, settings, prompts[index], cancellation);
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return (timings, clock.Elapsed.TotalSeconds);
    }

    private static async Task<RequestTiming> SendAsync(HttpClient http, ServeBenchmarkSettings settings, string prompt, CancellationToken cancellation)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = settings.Model,
            ["stream"] = true,
            ["stream_options"] = new Dictionary<string, object> { ["include_usage"] = true },
            ["max_tokens"] = settings.OutputTokens,
            ["ignore_eos"] = true,
            ["temperature"] = 0,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = prompt } },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.BaseUrl, "v1/chat/completions"))
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        var clock = Stopwatch.StartNew();
        double ttft = 0;
        double last = 0;
        var itl = new List<double>();
        int outputTokens = 0;
        int inputTokens = 0;
        try
        {
            using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            if (!response.IsSuccessStatusCode)
            {
                return new RequestTiming(false, 0, clock.Elapsed.TotalMilliseconds, 0, 0, []);
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation));
            while (await reader.ReadLineAsync(cancellation) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
                {
                    continue;
                }

                using JsonDocument chunk = JsonDocument.Parse(line.AsMemory(6));
                JsonElement root = chunk.RootElement;
                if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    outputTokens = usage.GetProperty("completion_tokens").GetInt32();
                    inputTokens = usage.GetProperty("prompt_tokens").GetInt32();
                }

                if (root.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                    && choices[0].GetProperty("delta").TryGetProperty("content", out JsonElement content)
                    && content.GetString() is { Length: > 0 })
                {
                    double now = clock.Elapsed.TotalMilliseconds;
                    if (ttft == 0)
                    {
                        ttft = now;
                    }
                    else
                    {
                        itl.Add(now - last);
                    }

                    last = now;
                }
            }

            return new RequestTiming(ttft > 0, ttft, clock.Elapsed.TotalMilliseconds, outputTokens, inputTokens, itl);
        }
        catch (HttpRequestException)
        {
            return new RequestTiming(false, 0, clock.Elapsed.TotalMilliseconds, 0, 0, []);
        }
    }
}
