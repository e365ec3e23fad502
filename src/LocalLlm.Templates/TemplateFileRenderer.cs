using System.Globalization;
using System.Text.Json;

namespace LocalLlm.Templates;

/// <summary>
/// Renders a template file with variables from a JSON file: the action behind <c>localllm template render</c>, kept
/// here so it is testable without the CLI host.
/// </summary>
public static class TemplateFileRenderer
{
    /// <summary>
    /// Writes the rendering to <paramref name="stdout"/> exactly (no newline added) and returns 0; on a template,
    /// input or file error writes one line to <paramref name="stderr"/> and returns 1. With <paramref name="timedRenders"/>
    /// above 0 it then renders that many more times and writes the median time per render to <paramref name="stderr"/>.
    /// </summary>
    public static int Run(string templatePath, string inputPath, string? now, TextWriter stdout, TextWriter stderr, int timedRenders = 0)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            DateTime? fixedNow = now is null ? null : ParseNow(now);
            ChatTemplate template;
            try
            {
                template = ChatTemplate.Parse(File.ReadAllText(templatePath));
            }
            catch (TemplateException e)
            {
                stderr.WriteLine($"{templatePath}: syntax error: {e.Describe()}");
                return 1;
            }

            IReadOnlyDictionary<string, object?> variables;
            using (JsonDocument input = JsonDocument.Parse(File.ReadAllText(inputPath), new JsonDocumentOptions { MaxDepth = 256 }))
            {
                variables = JsonValues.ToVariables(input.RootElement);
            }

            var context = new TemplateContext(variables);
            if (fixedNow is { } fixedTime)
            {
                context = new TemplateContext(variables) { Now = () => fixedTime };
            }

            stdout.Write(template.Render(context));
            stdout.Flush();
            if (timedRenders > 0)
            {
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{MedianRenderMicroseconds(template, context, timedRenders):F1} µs per render (median of {timedRenders})"));
            }

            return 0;
        }
        catch (TemplateException e)
        {
            stderr.WriteLine($"{templatePath}: {(e.RaisedByTemplate ? "raise_exception" : "error")}: {e.Describe()}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException or FormatException)
        {
            stderr.WriteLine(e.Message);
            return 1;
        }
    }

    private static double MedianRenderMicroseconds(ChatTemplate template, TemplateContext context, int renders)
    {
        var times = new double[renders];
        for (int i = 0; i < renders; i++)
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            template.Render(context);
            times[i] = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        Array.Sort(times);
        return times[renders / 2];
    }

    /// <summary>Parses <c>--now</c>: an ISO 8601 local date-time such as <c>2026-01-02T03:04:05</c>.</summary>
    public static DateTime ParseNow(string value) =>
        DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out DateTime parsed)
            ? parsed
            : throw new FormatException($"--now: '{value}' is not a date-time such as 2026-01-02T03:04:05.");
}
