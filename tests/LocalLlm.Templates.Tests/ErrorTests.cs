using LocalLlm.Templates;

namespace LocalLlm.Templates.Tests;

public sealed class ErrorTests
{
    private static string Render(string source, IReadOnlyDictionary<string, object?>? variables = null, TemplateContext? context = null) =>
        ChatTemplate.Parse(source).Render(context ?? new TemplateContext(variables ?? new Dictionary<string, object?>()));

    [Theory]
    [InlineData("a\n{{ 1 +\n}}", 3, 1)]
    [InlineData("{% if x %}\nno end", 2, 7)]
    [InlineData("line\n  {% frobnicate %}", 2, 6)]
    [InlineData("{{ x | nosuchfilter }}", 1, 8)]
    [InlineData("{{ x is nosuchtest }}", 1, 9)]
    [InlineData("{% break %}", 1, 4)]
    [InlineData("{{ 'unterminated }}", 1, 4)]
    [InlineData("{# open comment", 1, 1)]
    [InlineData("{{ (1, 2 }}", 1, 10)]
    [InlineData("{% for %}{% endfor %}", 1, 8)]
    public void Parse_SyntaxError_ThrowsWithLineAndColumn(string source, int line, int column)
    {
        var e = Assert.Throws<TemplateException>(() => ChatTemplate.Parse(source));
        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.Contains($"line {line}", e.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RuntimeErrorInsideLoop_ReportsInnermostStatementLine()
    {
        const string source = "{% for m in messages %}\n{% if m.role == 'user' %}\n{{ 'x' + m.content }}\n{% endif %}\n{% endfor %}";
        var messages = new List<object?> { new Dictionary<string, object?> { ["role"] = "user", ["content"] = null } };
        var e = Assert.Throws<TemplateException>(() => Render(source, new Dictionary<string, object?> { ["messages"] = messages }));
        Assert.Equal(3, e.Line);
        Assert.Equal("can only concatenate str (not \"NoneType\") to str", e.Message);
        Assert.False(e.RaisedByTemplate);
    }

    [Fact]
    public void Render_RaiseException_CarriesMessageLineAndFlag()
    {
        var e = Assert.Throws<TemplateException>(() => Render("ok\n\n  {{- raise_exception('Roles must alternate') }}"));
        Assert.Equal("Roles must alternate", e.Message);
        Assert.Equal(3, e.Line);
        Assert.True(e.RaisedByTemplate);
    }

    [Theory]
    [InlineData("{{ missing.attr }}", "'missing' is undefined")]
    [InlineData("{{ missing + 1 }}", "'missing' is undefined")]
    [InlineData("{{ missing() }}", "'missing' is undefined")]
    [InlineData("{{ 1 / 0 }}", "division by zero")]
    [InlineData("{{ 5 // 0 }}", "integer division or modulo by zero")]
    [InlineData("{{ none | length }}", "object of type 'NoneType' has no len()")]
    [InlineData("{% for x in 5 %}{% endfor %}", "'int' object is not iterable")]
    [InlineData("{% set a, b = [1] %}", "not enough values to unpack (expected 2, got 1)")]
    [InlineData("{% set x = 1 %}{% set x.y = 2 %}", "Cannot assign attribute on non-namespace object")]
    [InlineData("{{ 1 < 'a' }}", "'<' not supported between instances of 'int' and 'str'")]
    [InlineData("{{ 9223372036854775807 + 1 }}", "integer overflow")]
    [InlineData("{{ 'a'.split('') }}", "empty separator")]
    [InlineData("{{ {'a': 1} | tojson(indent=x.y) }}", "'x' is undefined")]
    [InlineData("{{ missing | tojson }}", "'missing' is undefined")]
    [InlineData("{{ range(1000000) | length }}", "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).")]
    public void Render_InvalidOperation_ThrowsTemplateException(string source, string message)
    {
        var e = Assert.Throws<TemplateException>(() => Render(source));
        Assert.Equal(message, e.Message);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void Render_UnboundedMacroRecursion_StopsAtCallDepthLimit()
    {
        var e = Assert.Throws<TemplateException>(() => Render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"));
        Assert.Contains("nest deeper than 200", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OutputBeyondLimit_Stops()
    {
        var context = new TemplateContext(new Dictionary<string, object?>()) { MaxOutputLength = 1000 };
        var e = Assert.Throws<TemplateException>(() => Render("{% for i in range(100) %}{% for j in range(100) %}xx{% endfor %}{% endfor %}", context: context));
        Assert.Contains("Output exceeds the limit of 1000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HugeStringRepetition_StopsBeforeAllocating()
    {
        var e = Assert.Throws<TemplateException>(() => Render("{{ 'x' * 9000000000 }}"));
        Assert.Contains("exceeds the output limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NestedLoopsWithoutOutput_StopAtIterationLimit()
    {
        var context = new TemplateContext(new Dictionary<string, object?>()) { MaxLoopIterations = 50_000 };
        var e = Assert.Throws<TemplateException>(() => Render("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", context: context));
        Assert.Contains("Loop iterations exceed", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10_000, "(")]
    [InlineData(10_000, "[")]
    [InlineData(10_000, "not ")]
    [InlineData(10_000, "-")]
    [InlineData(5_000, "{% if true %}")]
    public void Parse_DeeplyNestedInput_ThrowsInsteadOfOverflowingTheStack(int depth, string opener)
    {
        string source = opener.StartsWith("{%", StringComparison.Ordinal)
            ? string.Concat(Enumerable.Repeat(opener, depth))
            : "{{ " + string.Concat(Enumerable.Repeat(opener, depth)) + "1 }}";
        var e = Assert.Throws<TemplateException>(() => ChatTemplate.Parse(source));
        Assert.True(e.Line >= 1);
    }

    [Theory]
    [InlineData("{{")]
    [InlineData("{%")]
    [InlineData("{{ x[ }}")]
    [InlineData("{{ x. }}")]
    [InlineData("{{ 'a' if }}")]
    [InlineData("{% set %}")]
    [InlineData("{% macro %}")]
    [InlineData("{% for x in %}{% endfor %}")]
    [InlineData("{% endfor %}")]
    [InlineData("{{ x | }}")]
    [InlineData("{{ f(a=1, 2) }}")]
    [InlineData("{{ \"\\x4\" }}")]
    [InlineData("{{ 99999999999999999999 }}")]
    [InlineData("{% raw %}never closed")]
    [InlineData("}} %} #} {{ ) }}")]
    public void Parse_MalformedTemplate_ThrowsTemplateException(string source)
    {
        Assert.Throws<TemplateException>(() => ChatTemplate.Parse(source));
    }

    [Fact]
    public void Render_RandomTemplateFragments_NeverThrowAnythingButTemplateException()
    {
        string[] pieces = ["{{ ", " }}", "{% if ", "{% endif %}", "{% for x in ", "{% endfor %}", "x", "'s'", "[", "]", "(", ")", "|trim", "|length",
            " is defined", "+", "-", "*", "//", "%", "~", ".a", "[0]", "[::-1]", "1", "1.5", "none", " and ", " or ", " not ", ",", ":", "{", "}",
            "{% set y = ", "%}", "loop.index", "range(3)", "\n", "  ", "{%-", "-%}", "{#", "#}", "ns.a", "namespace(a=1)", "raise_exception('r')"];
        var random = new Random(1234);
        var variables = new Dictionary<string, object?> { ["x"] = new List<object?> { 1L, "a", null }, ["y"] = new Dictionary<string, object?> { ["a"] = 1L } };
        for (int i = 0; i < 3000; i++)
        {
            string source = string.Concat(Enumerable.Range(0, random.Next(1, 14)).Select(_ => pieces[random.Next(pieces.Length)]));
            try
            {
                ChatTemplate.Parse(source).Render(variables);
            }
            catch (TemplateException)
            {
            }
        }
    }
}
