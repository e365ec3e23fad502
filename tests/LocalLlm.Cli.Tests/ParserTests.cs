using LocalLlm.Cli.Bench;
using LocalLlm.Cli.Eval;

namespace LocalLlm.Cli.Tests;

public sealed class ParserTests
{
    private const string Scrape = """
        # HELP process_working_set_bytes Process working set
        # TYPE process_working_set_bytes gauge
        process_working_set_bytes 123456789
        # HELP localllm_kv_cache_usage_ratio KV cells in use, 0..1
        # TYPE localllm_kv_cache_usage_ratio gauge
        localllm_kv_cache_usage_ratio{model="tiny-test"} 0.25
        localllm_kv_cache_usage_ratio{model="other",note="a \"quoted\" \\ value, with } inside"} 0.75 1700000000000
        http_request_duration_seconds_bucket{le="+Inf",code="200"} 42
        weird_gauge NaN
        negative_gauge -Inf
        this line is broken
        """;

    [Fact]
    public void Prometheus_text_parses_names_labels_values_and_skips_comments()
    {
        List<PrometheusSample> samples = PrometheusText.Parse(Scrape);
        Assert.Equal(6, samples.Count);
        Assert.Equal(123456789, PrometheusText.Max(samples, "process_working_set_bytes"));
        Assert.Equal(0.25, PrometheusText.Max(samples, "localllm_kv_cache_usage_ratio", new Dictionary<string, string> { ["model"] = "tiny-test" }));
        Assert.Equal(0.75, PrometheusText.Max(samples, "localllm_kv_cache_usage_ratio"));
        Assert.Equal("a \"quoted\" \\ value, with } inside", samples.Single(s => s.Labels.ContainsKey("note")).Labels["note"]);
        Assert.Equal("+Inf", samples.Single(s => s.Name == "http_request_duration_seconds_bucket").Labels["le"]);
        Assert.True(double.IsNaN(samples.Single(s => s.Name == "weird_gauge").Value));
        Assert.Equal(double.NegativeInfinity, samples.Single(s => s.Name == "negative_gauge").Value);
        Assert.Null(PrometheusText.Max(samples, "weird_gauge"));
        Assert.Null(PrometheusText.Max(samples, "absent"));
    }

    [Fact]
    public void ShareGpt_takes_the_first_human_turn_from_lines_or_an_array()
    {
        const string lines = """
            {"id": "1", "conversations": [{"from": "human", "value": "What is 2+2?"}, {"from": "gpt", "value": "4"}]}

            {"id": "2", "conversations": [{"from": "gpt", "value": "I start"}, {"from": "human", "value": "skipped"}]}
            {"id": "3", "conversations": []}
            {"id": "4", "conversations": [{"from": "user", "value": "你好"}]}
            """;
        Assert.Equal(["What is 2+2?", "你好"], ShareGptLoader.Read(lines));
        Assert.Equal(["a"], ShareGptLoader.Read("""[{"conversations": [{"from": "human", "value": "a"}]}, {"other": 1}]"""));
        Assert.Throws<System.IO.InvalidDataException>(() => ShareGptLoader.Read("{\"conversations\": [}"));
    }

    [Fact]
    public void ShareGpt_load_shuffles_with_the_seed_and_reuses_prompts_when_asked_for_more()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sharegpt-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, new[] { "a", "b", "c" }.Select(v => $"{{\"conversations\": [{{\"from\": \"human\", \"value\": \"{v}\"}}]}}"));
        try
        {
            string[] seven = ShareGptLoader.Load(path, 7, seed: 3);
            Assert.Equal(7, seven.Length);
            Assert.Equal(["a", "b", "c"], seven.Take(3).Order());
            Assert.Equal(seven.Take(3), seven.Skip(3).Take(3));
            Assert.Equal(seven, ShareGptLoader.Load(path, 7, seed: 3));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Shared_prefix_is_the_same_preamble_on_every_prompt()
    {
        string[] prompts = PromptGenerator.WithSharedPrefix(PromptGenerator.Create(3, 5, seed: 1), 20, seed: 1);
        string prefix = prompts[0].Split("\n\n")[0];
        Assert.Equal(20, prefix.Split(' ').Length);
        Assert.All(prompts, p => Assert.StartsWith(prefix + "\n\n", p, StringComparison.Ordinal));
        Assert.Equal(3, prompts.Distinct().Count());
        Assert.Equal(PromptGenerator.Create(3, 5, 1), PromptGenerator.WithSharedPrefix(PromptGenerator.Create(3, 5, 1), 0, 1));
    }

    [Fact]
    public void Each_run_gets_fresh_prompts_so_no_run_hits_the_prefix_cache_of_an_earlier_one()
    {
        var options = new BenchOptions { Targets = [], Concurrencies = [1, 4], Seed = 5, SharedPrefixLen = 6 };
        Assert.Equal(options.Prompts(4, run: 0), options.Prompts(4, run: 0));
        Assert.Empty(options.Prompts(4, run: 0).Intersect(options.Prompts(4, run: 1)));
        Assert.DoesNotContain(options.Prompts(1, run: -1)[0], options.Prompts(4, run: 0));
        Assert.Single(options.Prompts(4, run: 0).Concat(options.Prompts(4, run: 1)).Select(p => p.Split("\n\n")[0]).Distinct());
    }

    [Fact]
    public void Eval_tasks_accept_prompt_or_messages()
    {
        List<EvalExample> examples = EvalTask.Parse("""
            {"prompt": "Capital of France?", "reference": "Paris"}
            {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "2+2?"}], "reference": "4"}
            """);
        Assert.Equal([new EvalMessage("user", "Capital of France?")], examples[0].Messages);
        Assert.Equal(["system", "user"], examples[1].Messages.Select(m => m.Role));
        Assert.Equal("4", examples[1].Reference);
        Assert.Throws<System.IO.InvalidDataException>(() => EvalTask.Parse("""{"prompt": "no reference"}"""));
    }
}
