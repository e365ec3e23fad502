using System.CommandLine;
using LocalLlm.Templates;

namespace LocalLlm.Cli.Commands;

/// <summary>`localllm template render`: renders a chat template with variables from a JSON file, as the server would.</summary>
internal static class TemplateCommand
{
    public static Command Create()
    {
        var template = new Option<string>("--template") { Description = "Jinja chat template file (.jinja)", Required = true };
        var input = new Option<string>("--input") { Description = "JSON object whose properties become the template variables (messages, tools, add_generation_prompt, ...)", Required = true };
        var now = new Option<string?>("--now") { Description = "Fixed time for strftime_now, e.g. 2026-01-02T03:04:05" };
        var time = new Option<int>("--time") { Description = "Then render N more times and print the median time per render to stderr", DefaultValueFactory = _ => 0 };
        var render = new Command("render", "Render a chat template and print the result exactly") { template, input, now, time };
        render.SetAction(result => TemplateFileRenderer.Run(
            result.GetValue(template)!,
            result.GetValue(input)!,
            result.GetValue(now),
            Console.Out,
            Console.Error,
            result.GetValue(time)));
        return new Command("template", "Chat template tools") { render };
    }
}
