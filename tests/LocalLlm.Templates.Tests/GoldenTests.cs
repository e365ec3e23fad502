using System.Text.Json;
using LocalLlm.Templates;

namespace LocalLlm.Templates.Tests;

/// <summary>
/// Byte-for-byte conformance with Python jinja2 in Hugging Face's chat-template environment: every fixture template
/// against every conversation in Goldens/cases.json, as recorded by Goldens/generate.py.
/// </summary>
public sealed class GoldenTests
{
    internal static readonly DateTime FixedNow = new(2026, 1, 2, 3, 4, 5);

    private static readonly Lazy<Dictionary<string, IReadOnlyDictionary<string, object?>>> Cases = new(LoadCases);

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (string file in Directory.GetFiles(GoldensDirectory, "*.golden.json").Order(StringComparer.Ordinal))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (JsonElement result in doc.RootElement.GetProperty("results").EnumerateArray())
            {
                data.Add(Path.GetFileName(file)[..^".golden.json".Length], result.GetProperty("case").GetString()!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Render_FixtureTemplateAndCase_MatchesPythonJinja(string template, string caseName)
    {
        using JsonDocument golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldensDirectory, template + ".golden.json")));
        JsonElement expected = golden.RootElement.GetProperty("results").EnumerateArray()
            .Single(r => r.GetProperty("case").GetString() == caseName);
        ChatTemplate parsed = ChatTemplate.Parse(File.ReadAllText(Path.Combine(FixturesDirectory, template + ".jinja")));
        var context = new TemplateContext(Cases.Value[caseName]) { Now = () => FixedNow };

        switch (expected.GetProperty("status").GetString())
        {
            case "ok":
                Assert.Equal(expected.GetProperty("output").GetString(), parsed.Render(context));
                break;
            case "raise":
                var raised = Assert.Throws<TemplateException>(() => parsed.Render(context));
                Assert.True(raised.RaisedByTemplate, raised.Describe());
                Assert.Equal(expected.GetProperty("message").GetString(), raised.Message);
                Assert.True(raised.Line > 0);
                break;
            default:
                // Python failed with an ordinary error (e.g. str + None); the engine must fail too, cleanly.
                var failed = Assert.Throws<TemplateException>(() => parsed.Render(context));
                Assert.False(failed.RaisedByTemplate);
                Assert.True(failed.Line > 0, failed.Describe());
                break;
        }
    }

    [Fact]
    public void Goldens_EveryFixtureTemplate_HasGoldens()
    {
        string[] templates = Directory.GetFiles(FixturesDirectory, "*.jinja").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        string[] goldens = Directory.GetFiles(GoldensDirectory, "*.golden.json").Select(f => Path.GetFileName(f)[..^".golden.json".Length]).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(13, templates.Length);
        Assert.Equal(templates, goldens);
    }

    internal static string GoldensDirectory => Path.Combine(AppContext.BaseDirectory, "Goldens");

    internal static string FixturesDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    private static Dictionary<string, IReadOnlyDictionary<string, object?>> LoadCases()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldensDirectory, "cases.json")));
        return doc.RootElement.EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => JsonValues.ToVariables(c.GetProperty("variables")));
    }
}
