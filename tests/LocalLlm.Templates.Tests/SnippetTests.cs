using System.Text.Json;
using LocalLlm.Templates;

namespace LocalLlm.Templates.Tests;

/// <summary>Single-feature templates (Goldens/snippets.py) compared byte for byte with Python jinja2's output.</summary>
public sealed class SnippetTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement snippet in Load().RootElement.EnumerateArray())
        {
            data.Add(snippet.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Render_FeatureSnippet_MatchesPythonJinja(string name)
    {
        using JsonDocument doc = Load();
        JsonElement snippet = doc.RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        ChatTemplate template = ChatTemplate.Parse(snippet.GetProperty("template").GetString()!);
        var context = new TemplateContext(JsonValues.ToVariables(snippet.GetProperty("variables"))) { Now = () => GoldenTests.FixedNow };
        if (snippet.GetProperty("status").GetString() == "ok")
        {
            Assert.Equal(snippet.GetProperty("output").GetString(), template.Render(context));
        }
        else
        {
            var e = Assert.Throws<TemplateException>(() => template.Render(context));
            Assert.Equal(snippet.GetProperty("message").GetString(), e.Message);
        }
    }

    private static JsonDocument Load() => JsonDocument.Parse(File.ReadAllText(Path.Combine(GoldenTests.GoldensDirectory, "snippets.expected.json")));
}
