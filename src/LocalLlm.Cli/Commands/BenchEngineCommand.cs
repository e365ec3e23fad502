using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine;
using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Requests;
using LocalLlm.Engine.Scheduling;

namespace LocalLlm.Cli.Commands;

/// <summary>
/// `localllm bench-engine`: the engine in-process (scheduler, batching, sampling, detokenizing) with no HTTP, so the
/// cost of serving can be split between the engine and the web host.
/// </summary>
internal static class BenchEngineCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "GGUF file", Required = true };
        var streams = new Option<string>("--streams") { Description = "Concurrent requests, comma-separated", DefaultValueFactory = _ => "1,16" };
        var promptLength = new Option<int>("--prompt-len") { Description = "Prompt tokens per request", DefaultValueFactory = _ => 64 };
        var outputLength = new Option<int>("--output-len") { Description = "Tokens generated per request", DefaultValueFactory = _ => 128 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: all)" };
        var metrics = new Option<string>("--metrics") { Description = "on: record the engine's metrics into a Prometheus-style aggregator, as the server does; off: the engine records none", DefaultValueFactory = _ => "on" };
        metrics.AcceptOnlyFromAmong("on", "off");
        var command = new Command("bench-engine", "Engine throughput in-process, without the web host") { model, streams, promptLength, outputLength, threads, metrics };
        command.SetAction(async (result, cancellation) =>
        {
            int[] levels = result.GetValue(streams)!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            using LlamaCppBackend backend = LlamaCppBackend.Load(new LlamaCppOptions
            {
                ModelPath = result.GetValue(model)!.FullName,
                MaxSequences = levels.Max(),
                ContextSize = levels.Max() * (result.GetValue(promptLength) + result.GetValue(outputLength) + 8),
                Threads = result.GetValue(threads),
            });
            bool metricsOn = result.GetValue(metrics) == "on";
            using MetricsSink? sink = metricsOn ? new MetricsSink() : null;
            var options = new EngineOptions { ModelId = "bench", EnableMetrics = metricsOn, Scheduler = new SchedulerOptions { MaxRunningRequests = levels.Max() } };
            using var engine = new LlmEngine(backend, options);
            Console.WriteLine("| streams | output tok/s | median per-stream decode tok/s | median TTFT ms | step time in decode |");
            Console.WriteLine("|---:|---:|---:|---:|---:|");
            foreach (int level in levels)
            {
                var random = new Random(level);
                var clock = Stopwatch.StartNew();
                (TimeSpan stepBefore, TimeSpan decodeBefore) = (engine.Statistics.StepTime, engine.Statistics.DecodeTime);
                var runs = await Task.WhenAll(Enumerable.Range(0, level).Select(i => RunOne(engine, random.Next(), result.GetValue(promptLength), result.GetValue(outputLength), backend.Info.VocabularySize, cancellation)));
                double seconds = clock.Elapsed.TotalSeconds;
                double[] decode = runs.Select(r => (r.Tokens - 1) / (r.EndMs - r.TtftMs) * 1000).Order().ToArray();
                double[] ttft = runs.Select(r => r.TtftMs).Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {level} | {runs.Sum(r => r.Tokens) / seconds:F1} | {decode[decode.Length / 2]:F1} | {ttft[ttft.Length / 2]:F1} | {(engine.Statistics.DecodeTime - decodeBefore) / (engine.Statistics.StepTime - stepBefore):P1} |"));
            }

            return 0;
        });
        return command;
    }

    private static async Task<(int Tokens, double TtftMs, double EndMs)> RunOne(LlmEngine engine, int seed, int promptLength, int outputLength, int vocabulary, CancellationToken cancellation)
    {
        var random = new Random(seed);
        var request = new GenerationRequest
        {
            RequestId = Guid.NewGuid().ToString("N"),
            PromptTokens = Enumerable.Range(0, promptLength).Select(_ => random.Next(vocabulary)).ToArray(),
            MaxTokens = outputLength,
            IgnoreEos = true,
            Sampling = SamplingParams.Greedy,
        };
        var clock = Stopwatch.StartNew();
        double ttft = 0;
        int tokens = 0;
        await foreach (GenerationEvent update in engine.Submit(request, cancellation).ReadAllAsync(cancellation))
        {
            tokens += update.NewTokens;
            if (ttft == 0)
            {
                ttft = clock.Elapsed.TotalMilliseconds;
            }
        }

        return (tokens, ttft, clock.Elapsed.TotalMilliseconds);
    }
}
