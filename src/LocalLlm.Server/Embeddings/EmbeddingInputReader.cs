using System.Text.Json;
using LocalLlm.Engine.Backend;
using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.Embeddings;

/// <summary>
/// Turns the request's <c>input</c> into one token sequence per input, as OpenAI accepts it: a string, an array of
/// strings, an array of token ids (one input) or an array of token-id arrays. Token ids must be integers here; the
/// model checks them against its vocabulary (<see cref="IEmbeddingModel.EmbedAsync"/> throws ArgumentException).
/// </summary>
internal static class EmbeddingInputReader
{
    /// <summary>Most inputs one request may embed (OpenAI's limit).</summary>
    public const int MaxInputs = 2048;

    private const string Shapes = "a string, an array of strings, an array of token ids or an array of token-id arrays";

    public static List<int[]> Read(JsonElement? input, ITokenizer tokenizer)
    {
        if (input is not { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } element)
        {
            throw ApiException.BadRequest("You must provide an input.", "input");
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return [Tokenize(element.GetString()!, "input", tokenizer)];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest($"'input' must be {Shapes}.", "input");
        }

        int count = element.GetArrayLength();
        if (count == 0)
        {
            throw ApiException.BadRequest("'input' must not be an empty array.", "input");
        }

        // The first element decides the shape; the others must have the same.
        JsonValueKind kind = element[0].ValueKind;
        if (kind == JsonValueKind.Number)
        {
            return [TokenIds(element, "input")];
        }

        if (kind is not (JsonValueKind.String or JsonValueKind.Array))
        {
            throw ApiException.BadRequest($"'input' must be {Shapes}.", "input");
        }

        if (count > MaxInputs)
        {
            throw ApiException.BadRequest($"'input' holds {count} inputs; at most {MaxInputs} are allowed per request.", "input");
        }

        var inputs = new List<int[]>(count);
        var index = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            string place = $"input[{index++}]";
            if (item.ValueKind != kind)
            {
                throw ApiException.BadRequest($"'{place}' must be {(kind == JsonValueKind.String ? "a string" : "an array of token ids")}, like input[0].", "input");
            }

            inputs.Add(kind == JsonValueKind.String
                ? Tokenize(item.GetString()!, place, tokenizer)
                : TokenIds(item, place));
        }

        return inputs;
    }

    private static int[] Tokenize(string text, string place, ITokenizer tokenizer)
    {
        if (text.Length == 0)
        {
            throw ApiException.BadRequest($"'{place}' is an empty string; every input needs text.", "input");
        }

        int[] tokens = tokenizer.Tokenize(text, addSpecial: true, parseSpecial: false);
        return tokens.Length > 0
            ? tokens
            : throw ApiException.BadRequest($"'{place}' has no tokens.", "input");
    }

    private static int[] TokenIds(JsonElement array, string place)
    {
        int length = array.GetArrayLength();
        if (length == 0)
        {
            throw ApiException.BadRequest($"'{place}' is an empty array; every input needs tokens.", "input");
        }

        var tokens = new int[length];
        var position = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out int token))
            {
                throw ApiException.BadRequest($"'{place}[{position}]' is {item.GetRawText()}, not a token id.", "input");
            }

            tokens[position++] = token;
        }

        return tokens;
    }
}
