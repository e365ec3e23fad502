namespace LocalLlm.Cli.Bench;

/// <summary>Writes a bench's files into the result directory: `LABEL.md`, one `LABEL-TARGET-cN.json` per run, the PNG charts.</summary>
internal static class BenchOutputs
{
    public static IReadOnlyList<string> Write(IReadOnlyList<BenchmarkResult> results, BenchOptions options, string markdown)
    {
        Directory.CreateDirectory(options.ResultDir);
        var paths = new List<string>();
        string md = Path.Combine(options.ResultDir, $"{options.Label}.md");
        File.WriteAllText(md, markdown);
        paths.Add(md);
        foreach (BenchmarkResult result in results)
        {
            string json = Path.Combine(options.ResultDir, $"{options.Label}-{result.Target.Slug}-c{result.MaxConcurrency}.json");
            File.WriteAllBytes(json, JsonReport.Render(result, options, options.Label));
            paths.Add(json);
        }

        paths.AddRange(ChartWriter.Write(results, options, options.ResultDir, options.Label));
        return paths;
    }
}
