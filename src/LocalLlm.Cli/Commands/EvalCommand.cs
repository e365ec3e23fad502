using System.CommandLine;
using LocalLlm.Cli.Bench;
using LocalLlm.Cli.Eval;

namespace LocalLlm.Cli.Commands;

/// <summary>
/// `localllm eval`: greedy answers from one or more OpenAI-compatible targets to a task file's prompts, scored
/// against the references with corpus BLEU-4, ROUGE-L F1 and exact match, written as Markdown and JSON.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var baseUrl = new Option<string[]>("--base-url") { Description = "Server root (repeat, or comma-separate, for several targets)", DefaultValueFactory = _ => ["http://127.0.0.1:8080"] };
        var model = new Option<string[]>("--model") { Description = "Model id: one for all URLs, or one per URL", Required = true };
        var task = new Option<string>("--task") { Description = "JSON Lines of {\"prompt\" | \"messages\", \"reference\"}", Required = true };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens per answer", DefaultValueFactory = _ => 256 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 4 };
        var smoothing = new Option<string>("--bleu-smoothing") { Description = "exp (sacrebleu's default), floor or none", DefaultValueFactory = _ => "exp" };
        var resultDir = new Option<string>("--result-dir") { Description = "Where the Markdown and JSON files go", DefaultValueFactory = _ => "eval-results" };
        var label = new Option<string>("--label") { Description = "Name of this evaluation; prefixes the output files", DefaultValueFactory = _ => "eval" };
        var command = new Command("eval", "BLEU-4, ROUGE-L and exact match of greedy answers against references")
        {
            baseUrl, model, task, maxTokens, concurrency, smoothing, resultDir, label,
        };
        command.SetAction(async (result, cancellation) =>
        {
            IReadOnlyList<BenchTarget> targets;
            List<EvalExample> examples;
            string taskPath = result.GetValue(task)!;
            if (!Enum.TryParse(result.GetValue(smoothing), ignoreCase: true, out BleuSmoothing bleuSmoothing))
            {
                await Console.Error.WriteLineAsync("eval: --bleu-smoothing is exp, floor or none");
                return 2;
            }

            try
            {
                targets = BenchTarget.Pair(BenchCommand.SplitAll(result.GetValue(baseUrl)!), BenchCommand.SplitAll(result.GetValue(model)!));
                examples = EvalTask.Load(taskPath);
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"eval: {e.Message}");
                return 2;
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
            var runner = new EvalRunner(http, result.GetValue(maxTokens), Math.Max(1, result.GetValue(concurrency)), bleuSmoothing);
            var results = new List<EvalResult>();
            foreach (BenchTarget target in targets)
            {
                await Console.Error.WriteLineAsync($"{target.Name}: {examples.Count} examples");
                results.Add(await runner.RunAsync(target, taskPath, examples, null, cancellation));
            }

            string labelText = result.GetValue(label)!;
            string dir = result.GetValue(resultDir)!;
            Directory.CreateDirectory(dir);
            string markdown = EvalReport.Markdown(results);
            Console.WriteLine(markdown);
            string md = Path.Combine(dir, $"{labelText}.md");
            await File.WriteAllTextAsync(md, markdown, cancellation);
            Console.WriteLine($"wrote {md}");
            foreach (EvalResult r in results)
            {
                string json = Path.Combine(dir, $"{labelText}-{r.Target.Slug}.json");
                await File.WriteAllBytesAsync(json, EvalReport.Json(r, labelText), cancellation);
                Console.WriteLine($"wrote {json}");
            }

            return results.Any(r => r.Failed > 0) ? 1 : 0;
        });
        return command;
    }
}
