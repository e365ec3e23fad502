using System.CommandLine;
using System.Globalization;
using LocalLlm.Cli.Bench;

namespace LocalLlm.Cli.Commands;

/// <summary>`localllm bench`: streams requests at several concurrencies against an OpenAI-compatible server.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var baseUrl = new Option<string>("--base-url") { Description = "Server root, e.g. http://127.0.0.1:8080", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
        var model = new Option<string>("--model") { Description = "Model id", Required = true };
        var concurrency = new Option<string>("--concurrency") { Description = "Concurrent streams, comma-separated", DefaultValueFactory = _ => "1,16" };
        var numPrompts = new Option<int>("--num-prompts") { Description = "Requests per concurrency level (default: 4 x concurrency)" };
        var inputLength = new Option<int>("--input-len") { Description = "Prompt length in words", DefaultValueFactory = _ => 32 };
        var outputLength = new Option<int>("--output-len") { Description = "Tokens generated per request (ignore_eos)", DefaultValueFactory = _ => 128 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var command = new Command("bench", "Throughput and latency of a server under concurrent streaming load")
        {
            baseUrl, model, concurrency, numPrompts, inputLength, outputLength, seed,
        };
        command.SetAction(async (result, cancellation) =>
        {
            string url = result.GetValue(baseUrl)!;
            var root = new Uri(url.EndsWith('/') ? url : url + "/", UriKind.Absolute);
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
            Console.WriteLine("| concurrency | completed | failed | duration s | output tok/s | median TTFT ms | p99 TTFT ms | median TPOT ms | median ITL ms | p99 ITL ms | per-stream tok/s |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (int level in result.GetValue(concurrency)!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
            {
                int prompts = result.GetValue(numPrompts) is > 0 and int n ? n : 4 * level;
                var settings = new ServeBenchmarkSettings(root, result.GetValue(model)!, level, prompts, result.GetValue(inputLength), result.GetValue(outputLength), result.GetValue(seed));
                (IReadOnlyList<RequestTiming> timings, double duration) = await ServeBenchmark.RunAsync(http, settings, cancellation);
                RequestTiming[] ok = timings.Where(t => t.Success).ToArray();
                double[] ttft = ok.Select(t => t.TtftMs).ToArray();
                double[] tpot = ok.Where(t => t.OutputTokens > 1).Select(t => (t.E2elMs - t.TtftMs) / (t.OutputTokens - 1)).ToArray();
                double[] itl = ok.SelectMany(t => t.ItlMs).ToArray();
                double medianTpot = Percentiles.Median(tpot);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {level} | {ok.Length} | {timings.Count - ok.Length} | {duration:F2} | {ok.Sum(t => t.OutputTokens) / duration:F1} | {Percentiles.Median(ttft):F1} | {Percentiles.Of(ttft, 99):F1} | {medianTpot:F2} | {Percentiles.Median(itl):F2} | {Percentiles.Of(itl, 99):F2} | {(medianTpot > 0 ? 1000 / medianTpot : 0):F1} |"));
            }

            return 0;
        });
        return command;
    }
}
