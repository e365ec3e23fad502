using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LocalLlm.Cli.Bench;

namespace LocalLlm.Cli.Eval;

/// <summary>
/// Asks a target for greedy completions (temperature 0, non-streaming chat) of every task example, a few at a time,
/// and scores them against the references.
/// </summary>
internal sealed class EvalRunner(HttpClient http, int maxTokens, int concurrency, BleuSmoothing smoothing)
{
    public async Task<EvalResult> RunAsync(BenchTarget target, string taskName, IReadOnlyList<EvalExample> examples, IProgress<int>? progress, CancellationToken cancellation)
    {
        var date = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(concurrency);
        int done = 0;
        (string, string, string)[] answers = await Task.WhenAll(examples.Select(async example =>
        {
            await slots.WaitAsync(cancellation);
            try
            {
                (string prediction, string error) = await CompleteAsync(target, example, cancellation);
                progress?.Report(Interlocked.Increment(ref done));
                return (prediction, example.Reference, error);
            }
            finally
            {
                slots.Release();
            }
        }));
        return EvalResult.Score(target, taskName, date, clock.Elapsed.TotalSeconds, smoothing, answers);
    }

    private async Task<(string Prediction, string Error)> CompleteAsync(BenchTarget target, EvalExample example, CancellationToken cancellation)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = target.Model,
            ["temperature"] = 0,
            ["max_tokens"] = maxTokens,
            ["messages"] = example.Messages.Select(m => new Dictionary<string, string> { ["role"] = m.Role, ["content"] = m.Content }).ToArray(),
        };
        try
        {
            using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await http.PostAsync(new Uri(target.BaseUrl, "v1/chat/completions"), content, cancellation);
            string text = await response.Content.ReadAsStringAsync(cancellation);
            if (!response.IsSuccessStatusCode)
            {
                return ("", $"HTTP {(int)response.StatusCode}: {(text.Length > 300 ? text[..300] : text)}");
            }

            using JsonDocument document = JsonDocument.Parse(text);
            JsonElement message = document.RootElement.GetProperty("choices")[0].GetProperty("message");
            return (message.TryGetProperty("content", out JsonElement answer) && answer.ValueKind == JsonValueKind.String ? answer.GetString()! : "", "");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException or KeyNotFoundException or InvalidOperationException
                                      || (e is TaskCanceledException && !cancellation.IsCancellationRequested))
        {
            return ("", $"{e.GetType().Name}: {e.Message}");
        }
    }
}
