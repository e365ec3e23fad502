using System.Text;
using System.Text.Json;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Server.OpenAi;

/// <summary>One prompt of a completions request: its tokens and the text <c>echo</c> puts before the completion.</summary>
internal sealed record CompletionPrompt(int[] Tokens, string Text);

/// <summary>
/// Reads <c>prompt</c> in each of OpenAI's four forms: a string, an array of strings, an array of token ids, or an
/// array of token-id arrays. Text goes through no chat template; it is tokenized with BOS added when the vocabulary
/// asks for it, and special-token text parsed as the special token (as llama-server and vLLM do). Token ids are
/// used as given, after a check against the vocabulary.
/// </summary>
internal static class CompletionPrompts
{
    private const string Forms = "a string, an array of strings, an array of token ids, or an array of token-id arrays";

    public static List<CompletionPrompt> Read(JsonElement? prompt, ITokenizer tokenizer, int vocabularySize)
    {
        if (prompt is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            throw ApiException.BadRequest("You must provide a 'prompt'.", "prompt");
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return [FromText(element.GetString()!, tokenizer)];
        }

        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0)
        {
            throw ApiException.BadRequest($"'prompt' must be {Forms}; an empty array has no prompt.", "prompt");
        }

        JsonValueKind first = element[0].ValueKind;
        if (first == JsonValueKind.Number)
        {
            return [FromTokens(element, "prompt", tokenizer, vocabularySize)];
        }

        var prompts = new List<CompletionPrompt>(element.GetArrayLength());
        int index = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            string param = $"prompt[{index++}]";
            prompts.Add((first, item.ValueKind) switch
            {
                (JsonValueKind.String, JsonValueKind.String) => FromText(item.GetString()!, tokenizer),
                (JsonValueKind.Array, JsonValueKind.Array) => FromTokens(item, param, tokenizer, vocabularySize),
                _ => throw ApiException.BadRequest(
                    $"'{param}' is a JSON {item.ValueKind.ToString().ToLowerInvariant()} after a first item of kind {first.ToString().ToLowerInvariant()}: 'prompt' must be {Forms}.", "prompt"),
            });
        }

        return prompts;
    }

    private static CompletionPrompt FromText(string text, ITokenizer tokenizer) =>
        new(tokenizer.Tokenize(text, addSpecial: true, parseSpecial: true), text);

    private static CompletionPrompt FromTokens(JsonElement array, string param, ITokenizer tokenizer, int vocabularySize)
    {
        var tokens = new int[array.GetArrayLength()];
        if (tokens.Length == 0)
        {
            throw ApiException.BadRequest($"'{param}' is an empty list of token ids.", "prompt");
        }

        int index = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int token) || token < 0 || token >= vocabularySize)
            {
                throw ApiException.BadRequest(
                    $"'{param}[{index}]' = {item.GetRawText()} is not a token id of this model: ids are integers from 0 to {vocabularySize - 1}.", "prompt");
            }

            tokens[index++] = token;
        }

        return new CompletionPrompt(tokens, Detokenize(tokens, tokenizer));
    }

    private static string Detokenize(int[] tokens, ITokenizer tokenizer)
    {
        var bytes = new List<byte>();
        foreach (int token in tokens)
        {
            bytes.AddRange(tokenizer.TokenBytes(token));
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
