using LocalLlm.Templates;

namespace LocalLlm.Templates.Tests;

/// <summary>The action of <c>localllm template render</c>, driven in-process.</summary>
public sealed class TemplateFileRendererTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("localllm-template-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Code, string Out, string Err) Run(string template, string input, string? now = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = TemplateFileRenderer.Run(template, input, now, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Run_GraniteFixtureWithFixedNow_PrintsGoldenExactly()
    {
        string input = Write("vars.json", """{"messages": [{"role": "user", "content": "Hi 你好"}], "add_generation_prompt": true}""");
        var (code, output, error) = Run(Path.Combine(GoldenTests.FixturesDirectory, "ibm-granite-granite-3.3-2B-Instruct.jinja"), input, "2026-01-02T03:04:05");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.StartsWith("<|start_of_role|>system<|end_of_role|>Knowledge Cutoff Date: April 2024. Today's Date: January 02, 2026.", output, StringComparison.Ordinal);
        Assert.EndsWith("<|start_of_role|>user<|end_of_role|>Hi 你好<|end_of_text|>\n<|start_of_role|>assistant<|end_of_role|>", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TimedRenders_PrintsTheRenderingOnceAndTheMedianTimeToStderr()
    {
        string template = Write("t.jinja", "{% for m in messages %}[{{ m.content }}]{% endfor %}");
        string input = Write("vars.json", """{"messages": [{"content": "a"}, {"content": "b"}]}""");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        int code = TemplateFileRenderer.Run(template, input, null, stdout, stderr, timedRenders: 50);

        Assert.Equal(0, code);
        Assert.Equal("[a][b]", stdout.ToString());
        Assert.Matches(@"^\d+\.\d µs per render \(median of 50\)\r?\n$", stderr.ToString());
    }

    [Fact]
    public void Run_TemplateRaises_ExitsNonZeroWithMessageAndLine()
    {
        string template = Write("t.jinja", "ok\n{% if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}");
        string input = Write("vars.json", """{"messages": [{"role": "system", "content": "x"}]}""");
        var (code, output, error) = Run(template, input);
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("System role not supported (line 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SyntaxError_ExitsNonZeroWithLine()
    {
        var (code, _, error) = Run(Write("t.jinja", "a\nb\n{% for x in %}"), Write("vars.json", "{}"));
        Assert.Equal(1, code);
        Assert.Contains("syntax error", error, StringComparison.Ordinal);
        Assert.Contains("line 3", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{not json")]
    public void Run_BadInput_ExitsNonZero(string json)
    {
        var (code, _, error) = Run(Write("t.jinja", "x"), Write("vars.json", json));
        Assert.Equal(1, code);
        Assert.NotEqual("", error);
    }

    [Fact]
    public void Run_MissingFileOrBadNow_ExitsNonZero()
    {
        Assert.Equal(1, Run(Path.Combine(_dir, "absent.jinja"), Write("vars.json", "{}")).Code);
        Assert.Equal(1, Run(Write("t.jinja", "x"), Write("vars2.json", "{}"), "yesterday").Code);
    }
}
