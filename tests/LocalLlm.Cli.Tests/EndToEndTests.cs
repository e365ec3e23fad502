using System.Text;
using System.Text.Json;
using LocalLlm.Cli.Commands;

namespace LocalLlm.Cli.Tests;

[Collection(ServerHostCollection.Name)]
public sealed class EndToEndTests(ServerHost server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("localllm-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Bench_against_the_server_writes_sane_json_markdown_and_charts()
    {
        const int prompts = 6;
        const int outputLen = 8;
        int exit = await BenchCommand.Create().Parse(
        [
            "--base-url", server.BaseAddress.ToString(), "--model", ServerHost.ModelId, "--concurrency", "1,3",
            "--num-prompts", $"{prompts}", "--input-len", "12", "--output-len", $"{outputLen}", "--goodput", "ttft:60000",
            "--shared-prefix-len", "8", "--result-dir", _dir, "--label", "e2e",
        ]).InvokeAsync();
        Assert.Equal(0, exit);

        string[] jsonFiles = Directory.GetFiles(_dir, "e2e-*.json").Order().ToArray();
        Assert.Equal(2, jsonFiles.Length);
        foreach (string path in jsonFiles)
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement r = document.RootElement;
            Assert.Equal(prompts, r.GetProperty("completed").GetInt32());
            Assert.Equal(0, r.GetProperty("failed").GetInt32());
            Assert.Equal(prompts, r.GetProperty("num_prompts").GetInt32());
            Assert.Equal("inf", r.GetProperty("request_rate").GetString());
            Assert.Equal(ServerHost.ModelId, r.GetProperty("model_id").GetString());
            // ignore_eos makes every output exactly outputLen tokens, counted by the server's usage.
            Assert.Equal(prompts * outputLen, r.GetProperty("total_output_tokens").GetInt32());
            Assert.All(r.GetProperty("output_lens").EnumerateArray(), l => Assert.Equal(outputLen, l.GetInt32()));
            Assert.True(r.GetProperty("total_input_tokens").GetInt32() >= prompts * 12);
            double duration = r.GetProperty("duration").GetDouble();
            Assert.True(duration > 0);
            Assert.Equal(prompts / duration, r.GetProperty("request_throughput").GetDouble(), 6);
            Assert.Equal(prompts / duration, r.GetProperty("request_goodput").GetDouble(), 6);
            int concurrency = r.GetProperty("max_concurrency").GetInt32();
            Assert.InRange(r.GetProperty("max_concurrent_requests").GetInt32(), 1, prompts);
            Assert.True(r.GetProperty("max_output_tokens_per_s").GetDouble() >= 1);
            foreach (string stat in new[] { "mean", "median", "p50", "p90", "p99" })
            {
                double ttft = r.GetProperty($"{stat}_ttft_ms").GetDouble();
                Assert.True(ttft > 0, $"{stat} TTFT is positive");
                Assert.True(ttft <= r.GetProperty($"{stat}_e2el_ms").GetDouble(), $"{stat} TTFT ≤ E2EL at concurrency {concurrency}");
                Assert.True(r.GetProperty($"{stat}_tpot_ms").GetDouble() > 0);
                Assert.True(r.GetProperty($"{stat}_itl_ms").GetDouble() > 0);
            }

            Assert.Equal(prompts, r.GetProperty("itls").GetArrayLength());
            Assert.All(r.GetProperty("ttfts").EnumerateArray(), t => Assert.True(t.GetDouble() > 0));
            Assert.True(r.TryGetProperty("server_peak_working_set_bytes", out _));
        }

        string markdown = await File.ReadAllTextAsync(Path.Combine(_dir, "e2e.md"));
        string[] rows = markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, rows.Length);
        Assert.Contains("P99 TTFT ms", rows[0], StringComparison.Ordinal);
        Assert.Contains("goodput req/s", rows[0], StringComparison.Ordinal);
        Assert.StartsWith($"| {ServerHost.ModelId} @ 127.0.0.1:{server.BaseAddress.Port} | 1 | {prompts} | 0 |", rows[2], StringComparison.Ordinal);
        Assert.StartsWith($"| {ServerHost.ModelId} @ 127.0.0.1:{server.BaseAddress.Port} | 3 | {prompts} | 0 |", rows[3], StringComparison.Ordinal);

        foreach (string chart in new[] { "e2e-throughput.png", "e2e-ttft.png", "e2e-itl.png" })
        {
            byte[] png = await File.ReadAllBytesAsync(Path.Combine(_dir, chart));
            Assert.True(png.Length > 1000, $"{chart} has content");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        }
    }

    [Fact]
    public async Task Bench_fails_fast_on_an_unknown_model()
    {
        int exit = await BenchCommand.Create().Parse(
            ["--base-url", server.BaseAddress.ToString(), "--model", "no-such-model", "--concurrency", "1", "--num-prompts", "1", "--result-dir", _dir]).InvokeAsync();
        Assert.Equal(1, exit);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task Eval_scores_greedy_answers_and_counts_an_exact_match()
    {
        // The random-weight model's greedy answer to one prompt becomes that prompt's reference, so one exact match
        // (and a ROUGE-L of 100 for it) is known in advance whatever the weights say.
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        string body = JsonSerializer.Serialize(new { model = ServerHost.ModelId, temperature = 0, max_tokens = 12, messages = new[] { new { role = "user", content = "Name a colour." } } });
        using HttpResponseMessage response = await http.PostAsync(new Uri("v1/chat/completions", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        using JsonDocument answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string greedy = answer.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(greedy));

        string task = Path.Combine(_dir, "task.jsonl");
        await File.WriteAllLinesAsync(task,
        [
            JsonSerializer.Serialize(new { prompt = "Name a colour.", reference = greedy }),
            JsonSerializer.Serialize(new { prompt = "翻译：你好", reference = "你好，世界" }),
            JsonSerializer.Serialize(new { messages = new[] { new { role = "system", content = "Be brief." }, new { role = "user", content = "Capital of France?" } }, reference = "Paris is the capital of France." }),
        ]);

        int exit = await EvalCommand.Create().Parse(
            ["--base-url", server.BaseAddress.ToString(), "--model", ServerHost.ModelId, "--task", task, "--max-tokens", "12", "--concurrency", "1", "--result-dir", _dir, "--label", "e2e-eval"]).InvokeAsync();
        Assert.Equal(0, exit);

        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Directory.GetFiles(_dir, "e2e-eval-*.json").Single()));
        JsonElement r = document.RootElement;
        Assert.Equal(3, r.GetProperty("num_examples").GetInt32());
        Assert.Equal(0, r.GetProperty("failed").GetInt32());
        JsonElement[] outputs = r.GetProperty("outputs").EnumerateArray().ToArray();
        Assert.True(outputs[0].GetProperty("exact_match").GetBoolean());
        Assert.Equal(100, outputs[0].GetProperty("rouge_l_f1").GetDouble(), 8);
        int exact = outputs.Count(o => o.GetProperty("exact_match").GetBoolean());
        Assert.Equal(100.0 * exact / 3, r.GetProperty("exact_match").GetDouble(), 8);
        Assert.Equal(outputs.Average(o => o.GetProperty("rouge_l_f1").GetDouble()), r.GetProperty("rouge_l_f1").GetDouble(), 8);
        Assert.InRange(r.GetProperty("bleu_4").GetDouble(), 0, 100);
        Assert.InRange(r.GetProperty("rouge_l_f1").GetDouble(), 100.0 / 3, 100);
        Assert.Equal("exp", r.GetProperty("bleu_smoothing").GetString());

        string markdown = await File.ReadAllTextAsync(Path.Combine(_dir, "e2e-eval.md"));
        Assert.Contains("| BLEU-4 | ROUGE-L F1 | exact match % |", markdown, StringComparison.Ordinal);
        Assert.Contains($"| {ServerHost.ModelId} @ 127.0.0.1:{server.BaseAddress.Port} | task.jsonl | 3 | 0 |", markdown, StringComparison.Ordinal);
    }
}
