using System.Text.Json;
using LocalLlm.Templates;

namespace LocalLlm.Templates.Tests;

public sealed class ApiTests
{
    [Fact]
    public void Render_PlainDotNetValues_BehaveAsPythonValues()
    {
        ChatTemplate template = ChatTemplate.Parse("{{ n + 1 }} {{ f }} {{ b }} {{ items | join(',') }} {{ d.k }} {{ nothing is none }}");
        var variables = new Dictionary<string, object?>
        {
            ["n"] = 41L,
            ["f"] = 0.5,
            ["b"] = true,
            ["items"] = new List<object?> { "a", 2L },
            ["d"] = new Dictionary<string, object?> { ["k"] = "v" },
            ["nothing"] = null,
        };
        Assert.Equal("42 0.5 True a,2 v True", template.Render(variables));
    }

    [Fact]
    public void FromJson_Numbers_FollowPythonJsonLoads()
    {
        using JsonDocument doc = JsonDocument.Parse("""{"i": 3, "f": 3.0, "e": 1e2, "big": 123456789012345678901234, "s": "é", "n": null, "l": [true, {"b": 1, "a": 2}]}""");
        var values = JsonValues.ToVariables(doc.RootElement);
        Assert.Equal(3L, values["i"]);
        Assert.Equal(3.0, values["f"]);
        Assert.Equal(100.0, values["e"]);
        Assert.IsType<double>(values["big"]);
        Assert.Null(values["n"]);
        Assert.Equal("""[true, {"b": 1, "a": 2}]""", ChatTemplate.Parse("{{ l | tojson }}").Render(new Dictionary<string, object?>(values)));
    }

    [Fact]
    public void ToVariables_NonObject_Throws()
    {
        using JsonDocument doc = JsonDocument.Parse("[1]");
        Assert.Throws<ArgumentException>(() => JsonValues.ToVariables(doc.RootElement));
    }

    [Fact]
    public void Render_StrftimeNow_UsesInjectedClock()
    {
        var context = new TemplateContext(new Dictionary<string, object?>()) { Now = () => new DateTime(2024, 7, 26, 15, 0, 0) };
        Assert.Equal("26 Jul 2024 03PM", ChatTemplate.Parse("{{ strftime_now('%d %b %Y %I%p') }}").Render(context));
    }

    [Fact]
    public void Render_ParsedOnce_IsReusableAndThreadSafe()
    {
        ChatTemplate template = ChatTemplate.Parse("{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}");
        Parallel.For(0, 200, i =>
        {
            var messages = Enumerable.Range(0, i % 7).Select(_ => (object?)"m").ToList();
            Assert.Equal((i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture), template.Render(new Dictionary<string, object?> { ["messages"] = messages }));
        });
    }
}
