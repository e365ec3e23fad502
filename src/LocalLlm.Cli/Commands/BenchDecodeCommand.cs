using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Cli.Commands;

/// <summary>
/// `localllm bench-decode`: llama_decode throughput with no server and no scheduler: B sequences prefilled, then
/// steps of one batch holding one token of each, sampled greedily. The ceiling the serving path is measured against.
/// </summary>
internal static class BenchDecodeCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "GGUF file", Required = true };
        var batches = new Option<string>("--batch") { Description = "Sequences decoded together, comma-separated", DefaultValueFactory = _ => "1,16" };
        var promptLength = new Option<int>("--prompt-len") { Description = "Prompt tokens per sequence", DefaultValueFactory = _ => 64 };
        var generate = new Option<int>("--gen") { Description = "Decode steps timed", DefaultValueFactory = _ => 128 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: all)" };
        var poll = new Option<int>("--poll") { Description = "0..100: how hard idle compute threads spin between decodes", DefaultValueFactory = _ => 50 };
        var repeats = new Option<int>("--repeats") { Description = "Runs per batch size; the median is reported", DefaultValueFactory = _ => 3 };
        var flashAttention = new Option<string>("--flash-attn") { Description = "auto, on or off", DefaultValueFactory = _ => "auto" };
        var cacheType = new Option<string>("--cache-type") { Description = "KV cache type for keys and values: f16, f32, bf16, q8_0, q4_0", DefaultValueFactory = _ => "f16" };
        var command = new Command("bench-decode", "Raw llama_decode tokens/s of a model at given batch sizes")
        {
            model, batches, promptLength, generate, threads, repeats, poll, flashAttention, cacheType,
        };
        command.SetAction(result =>
        {
            int[] sizes = result.GetValue(batches)!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            int prompt = result.GetValue(promptLength);
            int steps = result.GetValue(generate);
            if (!AttentionOptionsExtensions.TryParse(result.GetValue(flashAttention), out FlashAttention attention)
                || !AttentionOptionsExtensions.TryParse(result.GetValue(cacheType), out KvCacheType cache))
            {
                Console.Error.WriteLine("--flash-attn is auto, on or off; --cache-type is f16, f32, bf16, q8_0 or q4_0.");
                return 2;
            }

            using LlamaCppBackend backend = LlamaCppBackend.Load(new LlamaCppOptions
            {
                ModelPath = result.GetValue(model)!.FullName,
                MaxSequences = sizes.Max(),
                ContextSize = sizes.Max() * (prompt + steps + 1),
                BatchSize = Math.Max(512, sizes.Max()),
                Threads = result.GetValue(threads),
                Poll = (uint)result.GetValue(poll),
                FlashAttention = attention,
                CacheTypeK = cache,
                CacheTypeV = cache,
            });
            Console.WriteLine($"model: {backend.Info.Description}, {backend.Info.ParameterCount:N0} parameters, threads: {result.GetValue(threads)?.ToString(CultureInfo.InvariantCulture) ?? "all"}, flash attention: {attention.ToString().ToLowerInvariant()}, KV cache: {cache.ToString().ToLowerInvariant()}");
            Console.WriteLine("| sequences | prefill tok/s | decode tok/s (median) | runs |");
            Console.WriteLine("|---:|---:|---:|---|");
            foreach (int size in sizes)
            {
                var runs = Enumerable.Range(0, result.GetValue(repeats)).Select(_ => Run(backend, size, prompt, steps)).ToArray();
                double[] decode = runs.Select(r => r.Decode).Order().ToArray();
                string all = string.Join(", ", runs.Select(r => r.Decode.ToString("F0", CultureInfo.InvariantCulture)));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size} | {runs.Select(r => r.Prefill).Order().ElementAt(runs.Length / 2):F0} | {decode[decode.Length / 2]:F1} | {all} |"));
            }

            return 0;
        });
        return command;
    }

    private static (double Prefill, double Decode) Run(LlamaCppBackend backend, int sequences, int promptLength, int steps)
    {
        for (int s = 0; s < sequences; s++)
        {
            backend.RemoveTokens(s, 0, -1);
        }

        var random = new Random(7);
        int vocabulary = backend.Info.VocabularySize;
        var batch = new List<BatchToken>();
        var samplers = Enumerable.Range(0, sequences).Select(_ => backend.CreateSampler(SamplingParams.Greedy)).ToArray();
        var clock = Stopwatch.StartNew();
        var next = new int[sequences];
        for (int s = 0; s < sequences; s++)
        {
            batch.Clear();
            for (int p = 0; p < promptLength; p++)
            {
                batch.Add(new BatchToken(random.Next(vocabulary), p, s, p == promptLength - 1));
            }

            Check(backend.Decode(batch.ToArray()));
            next[s] = samplers[s].Sample(promptLength - 1);
        }

        double prefill = sequences * promptLength / clock.Elapsed.TotalSeconds;
        var step = new BatchToken[sequences];
        clock.Restart();
        for (int i = 0; i < steps; i++)
        {
            for (int s = 0; s < sequences; s++)
            {
                step[s] = new BatchToken(next[s], promptLength + i, s, true);
            }

            Check(backend.Decode(step));
            for (int s = 0; s < sequences; s++)
            {
                next[s] = samplers[s].Sample(s);
            }
        }

        double decode = sequences * steps / clock.Elapsed.TotalSeconds;
        foreach (ITokenSampler sampler in samplers)
        {
            sampler.Dispose();
        }

        return (prefill, decode);
    }

    private static void Check(DecodeStatus status)
    {
        if (status != DecodeStatus.Ok)
        {
            throw new InvalidOperationException($"llama_decode returned {status}.");
        }
    }
}
