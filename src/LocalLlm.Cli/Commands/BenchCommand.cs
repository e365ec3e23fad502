using System.CommandLine;
using System.Globalization;
using LocalLlm.Cli.Bench;
using Spectre.Console;

namespace LocalLlm.Cli.Commands;

/// <summary>
/// `localllm bench`: the `vllm bench serve` measurements against one or more OpenAI-compatible targets at several
/// concurrencies, written as a Markdown comparison table, one JSON file per run and PNG charts.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var baseUrl = new Option<string[]>("--base-url") { Description = "Server root, e.g. http://127.0.0.1:8080 (repeat, or comma-separate, for several targets)", DefaultValueFactory = _ => ["http://127.0.0.1:8080"] };
        var model = new Option<string[]>("--model") { Description = "Model id: one for all URLs, or one per URL (repeat or comma-separate)", Required = true };
        var concurrency = new Option<string>("--concurrency") { Description = "Most concurrent requests, comma-separated (one run each)", DefaultValueFactory = _ => "1,8,32" };
        var numPrompts = new Option<int>("--num-prompts") { Description = "Requests per run (default: 4 x concurrency)" };
        var dataset = new Option<string>("--dataset") { Description = "random, or a ShareGPT-format .jsonl/.json file (first human turn is the prompt)", DefaultValueFactory = _ => "random" };
        var inputLength = new Option<int>("--input-len") { Description = "Words per random prompt", DefaultValueFactory = _ => 32 };
        var outputLength = new Option<int>("--output-len") { Description = "Tokens generated per request (exact, via ignore_eos)", DefaultValueFactory = _ => 128 };
        var requestRate = new Option<string>("--request-rate") { Description = "Requests per second (gamma/Poisson arrivals), or inf to send all at once", DefaultValueFactory = _ => "inf" };
        var burstiness = new Option<double>("--burstiness") { Description = "Gamma shape of arrival gaps: 1 = Poisson, <1 burstier, >1 steadier", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var percentileMetrics = new Option<string>("--percentile-metrics") { Description = "Metrics to summarise: ttft,tpot,itl,e2el", DefaultValueFactory = _ => "ttft,tpot,itl,e2el" };
        var metricPercentiles = new Option<string>("--metric-percentiles") { Description = "Percentiles to report, e.g. 50,90,99", DefaultValueFactory = _ => "50,90,99" };
        var goodput = new Option<string>("--goodput") { Description = "Service-level objectives in ms, e.g. ttft:500,tpot:50 (e2el too)" };
        var sharedPrefix = new Option<int>("--shared-prefix-len") { Description = "Words of a preamble shared by every prompt (prefix caching)" };
        var resultDir = new Option<string>("--result-dir") { Description = "Where the Markdown, JSON and PNG files go", DefaultValueFactory = _ => "bench-results" };
        var label = new Option<string>("--label") { Description = "Name of this bench; prefixes the output files", DefaultValueFactory = _ => "bench" };
        var command = new Command("bench", "Throughput and latency of OpenAI-compatible servers under streaming load, as vllm bench serve reports them")
        {
            baseUrl, model, concurrency, numPrompts, dataset, inputLength, outputLength, requestRate, burstiness, seed,
            percentileMetrics, metricPercentiles, goodput, sharedPrefix, resultDir, label,
        };
        command.SetAction(async (result, cancellation) =>
        {
            BenchOptions options;
            try
            {
                options = new BenchOptions
                {
                    Targets = BenchTarget.Pair(SplitAll(result.GetValue(baseUrl)!), SplitAll(result.GetValue(model)!)),
                    Concurrencies = ParseList(result.GetValue(concurrency)!).Select(c => c >= 1 ? (int)c : throw new FormatException("concurrency must be at least 1")).ToArray(),
                    NumPrompts = result.GetValue(numPrompts),
                    Dataset = result.GetValue(dataset)!,
                    InputLen = result.GetValue(inputLength),
                    OutputLen = result.GetValue(outputLength),
                    RequestRate = ParseRate(result.GetValue(requestRate)!),
                    Burstiness = result.GetValue(burstiness) is > 0 and var b ? b : throw new FormatException("--burstiness must be positive"),
                    Seed = result.GetValue(seed),
                    PercentileMetrics = BenchOptions.ParseMetrics(result.GetValue(percentileMetrics)!),
                    MetricPercentiles = ParseList(result.GetValue(metricPercentiles)!).Select(p => p is > 0 and <= 100 ? p : throw new FormatException("percentiles lie in (0, 100]")).ToArray(),
                    Goodput = GoodputSlo.Parse(result.GetValue(goodput)),
                    SharedPrefixLen = result.GetValue(sharedPrefix),
                    ResultDir = result.GetValue(resultDir)!,
                    Label = result.GetValue(label)!,
                };
                if (options.Dataset != "random" && !File.Exists(options.Dataset))
                {
                    throw new FormatException($"--dataset {options.Dataset}: no such file");
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                await Console.Error.WriteLineAsync($"bench: {e.Message}");
                return 2;
            }

            return await RunAsync(options, cancellation);
        });
        return command;
    }

    internal static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellation)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromHours(1) };
        IReadOnlyList<BenchmarkResult> results;
        try
        {
            if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            {
                results = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(context => new BenchRunner(http, options, new SpectreProgress(context)).RunAsync(cancellation));
            }
            else
            {
                results = await new BenchRunner(http, options, new PlainProgress(Console.Error)).RunAsync(cancellation);
            }
        }
        catch (BenchTargetException e)
        {
            await Console.Error.WriteLineAsync($"bench: {e.Message}");
            return 1;
        }

        string markdown = MarkdownReport.Render(results, options);
        Console.WriteLine(markdown);
        foreach (string path in BenchOutputs.Write(results, options, markdown))
        {
            Console.WriteLine($"wrote {path}");
        }

        return results.Any(r => r.Failed > 0) ? 1 : 0;
    }

    internal static string[] SplitAll(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    internal static double[] ParseList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture))
            .ToArray();

    internal static double ParseRate(string text) =>
        text.Trim().Equals("inf", StringComparison.OrdinalIgnoreCase)
            ? double.PositiveInfinity
            : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) is > 0 and var rate ? rate : throw new FormatException("--request-rate must be positive or inf");
}
