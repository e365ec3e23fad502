using System.Text.Json;

namespace LocalLlm.Cli.Eval;

/// <summary>One chat message of an evaluation prompt.</summary>
internal sealed record EvalMessage(string Role, string Content);

/// <summary>One prompt and the text a good answer matches.</summary>
internal sealed record EvalExample(IReadOnlyList<EvalMessage> Messages, string Reference);

/// <summary>
/// An evaluation task file: JSON Lines, each `{"prompt": "...", "reference": "..."}` or
/// `{"messages": [{"role": "...", "content": "..."}, ...], "reference": "..."}`; a prompt becomes one user message.
/// </summary>
internal static class EvalTask
{
    public static List<EvalExample> Load(string path) => Parse(File.ReadAllText(path));

    public static List<EvalExample> Parse(string text)
    {
        var examples = new List<EvalExample>();
        int lineNumber = 0;
        foreach (string line in text.Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using JsonDocument document = JsonDocument.Parse(line);
                examples.Add(Read(document.RootElement));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                throw new InvalidDataException($"task line {lineNumber}: {e.Message}", e);
            }
        }

        return examples;
    }

    private static EvalExample Read(JsonElement record)
    {
        string reference = record.TryGetProperty("reference", out JsonElement r) && r.ValueKind == JsonValueKind.String
            ? r.GetString()!
            : throw new InvalidOperationException("a record needs a string \"reference\"");
        if (record.TryGetProperty("prompt", out JsonElement prompt) && prompt.ValueKind == JsonValueKind.String)
        {
            return new EvalExample([new EvalMessage("user", prompt.GetString()!)], reference);
        }

        if (record.TryGetProperty("messages", out JsonElement messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0)
        {
            return new EvalExample(
                messages.EnumerateArray().Select(m => new EvalMessage(m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToArray(),
                reference);
        }

        throw new InvalidOperationException("a record needs a string \"prompt\" or a non-empty \"messages\" array");
    }
}
