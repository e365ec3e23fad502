using System.Text.Json;

namespace LocalLlm.Cli.Bench;

/// <summary>
/// Prompts from a ShareGPT-format file: JSON Lines (one conversation per line) or one JSON array of conversations,
/// each `{"conversations": [{"from": "human", "value": "..."}, {"from": "gpt", ...}]}`. The prompt is the first
/// turn when it is the human's (`from` = human or user), as vLLM's ShareGPT dataset takes it; conversations
/// without one are skipped. Prompts are shuffled with the seed and reused in turn when the file holds fewer than asked.
/// </summary>
internal static class ShareGptLoader
{
    public static string[] Load(string path, int count, int seed)
    {
        List<string> prompts = Read(File.ReadAllText(path));
        if (prompts.Count == 0)
        {
            throw new InvalidDataException($"{path} holds no conversation that starts with a human turn");
        }

        string[] shuffled = prompts.ToArray();
        new Random(seed).Shuffle(shuffled);
        return Enumerable.Range(0, count).Select(i => shuffled[i % shuffled.Length]).ToArray();
    }

    public static List<string> Read(string text)
    {
        var prompts = new List<string>();
        string trimmed = text.TrimStart();
        if (trimmed.StartsWith('['))
        {
            using JsonDocument document = JsonDocument.Parse(trimmed);
            foreach (JsonElement record in document.RootElement.EnumerateArray())
            {
                AddPrompt(record, prompts);
            }

            return prompts;
        }

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
                AddPrompt(document.RootElement, prompts);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"line {lineNumber} is not JSON: {e.Message}", e);
            }
        }

        return prompts;
    }

    private static void AddPrompt(JsonElement record, List<string> prompts)
    {
        if (record.ValueKind == JsonValueKind.Object
            && record.TryGetProperty("conversations", out JsonElement turns) && turns.ValueKind == JsonValueKind.Array
            && turns.GetArrayLength() > 0
            && turns[0] is { ValueKind: JsonValueKind.Object } first
            && first.TryGetProperty("from", out JsonElement from) && from.GetString() is "human" or "user"
            && first.TryGetProperty("value", out JsonElement value) && value.GetString() is { Length: > 0 } prompt)
        {
            prompts.Add(prompt);
        }
    }
}
