using System.Text;
using System.Text.Json;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Server.OpenAi;

/// <summary>Checks a chat request the way OpenAI does and turns it into sampling settings.</summary>
internal static class ChatRequestValidator
{
    public const int MaxChatTopLogprobs = 20;

    public static SamplingParams Sampling(ChatCompletionRequest request) => SamplingFields.From(request).ToParams();

    /// <summary><c>max_completion_tokens</c> (OpenAI's newer name) wins over <c>max_tokens</c>.</summary>
    public static int? MaxTokens(int? maxTokens, int? maxCompletionTokens)
    {
        if (maxTokens is int max && max < 1)
        {
            throw ApiException.BadRequest($"'max_tokens' must be at least 1, got {max}.", "max_tokens");
        }

        if (maxCompletionTokens is int maxCompletion && maxCompletion < 1)
        {
            throw ApiException.BadRequest($"'max_completion_tokens' must be at least 1, got {maxCompletion}.", "max_completion_tokens");
        }

        return maxCompletionTokens ?? maxTokens;
    }

    /// <summary>How many choices to generate: <c>n</c>, 1 to the server's limit.</summary>
    public static int ChoiceCount(int? n, int limit)
    {
        int count = n ?? 1;
        if (count < 1 || count > limit)
        {
            throw ApiException.BadRequest($"'n' must be between 1 and {limit}, got {count}.", "n");
        }

        return count;
    }

    /// <summary>
    /// Alternatives per output token for the engine: null without <c>logprobs: true</c>, else <c>top_logprobs</c> (0 to 20).
    /// </summary>
    public static int? TopLogprobs(ChatCompletionRequest request)
    {
        if (request.TopLogprobs is int top)
        {
            if (request.Logprobs != true)
            {
                throw ApiException.BadRequest("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
            }

            return top is >= 0 and <= MaxChatTopLogprobs
                ? top
                : throw ApiException.BadRequest($"'top_logprobs' must be between 0 and {MaxChatTopLogprobs}, got {top}.", "top_logprobs");
        }

        return request.Logprobs == true ? 0 : null;
    }

    public static IReadOnlyList<string> Stop(JsonElement? stop)
    {
        if (stop is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return [element.GetString()!];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest("'stop' must be a string or an array of up to 4 strings.", "stop");
        }

        var stops = new List<string>();
        foreach (JsonElement item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw ApiException.BadRequest("'stop' must be a string or an array of up to 4 strings.", "stop");
            }

            stops.Add(item.GetString()!);
        }

        return stops.Count <= 4 ? stops : throw ApiException.BadRequest($"'stop' holds {stops.Count} sequences; at most 4 are allowed.", "stop");
    }

    internal static string? ContentText(JsonElement? content, string role, string param)
    {
        if (content is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            // Assistant messages may omit content (when they carry tool calls); templates see null, as in Hugging Face.
            return role == "assistant" ? null : throw ApiException.BadRequest($"'{param}.content' is required.", $"{param}.content");
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString()!;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest($"'{param}.content' must be a string or an array of content parts.", $"{param}.content");
        }

        var text = new StringBuilder();
        int index = 0;
        foreach (JsonElement part in element.EnumerateArray())
        {
            string partParam = $"{param}.content[{index++}]";
            string? type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()
                : null;
            if (type != "text")
            {
                throw ApiException.BadRequest(
                    $"'{partParam}' has type '{type ?? "(none)"}': only text content parts are supported.", partParam);
            }

            if (!part.TryGetProperty("text", out JsonElement value) || value.ValueKind != JsonValueKind.String)
            {
                throw ApiException.BadRequest($"'{partParam}.text' must be a string.", $"{partParam}.text");
            }

            text.Append(value.GetString());
        }

        return text.ToString();
    }
}
