using System.Text;
using System.Text.Json;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Server.OpenAi;

/// <summary>Checks a chat request the way OpenAI does and turns it into sampling settings.</summary>
internal static class ChatRequestValidator
{
    public static SamplingParams Sampling(ChatCompletionRequest request)
    {
        float temperature = InRange(request.Temperature, 0f, 2f, "temperature") ?? 1f;
        float topP = InRange(request.TopP, 0f, 1f, "top_p") ?? 1f;
        if (topP <= 0f)
        {
            throw ApiException.BadRequest("'top_p' must be greater than 0.", "top_p");
        }

        int topK = request.TopK ?? 0;
        if (topK < 0)
        {
            throw ApiException.BadRequest("'top_k' must be 0 (disabled) or positive.", "top_k");
        }

        float repetition = request.RepetitionPenalty ?? 1f;
        if (repetition <= 0f || repetition > 2f)
        {
            throw ApiException.BadRequest("'repetition_penalty' must be in (0, 2].", "repetition_penalty");
        }

        return new SamplingParams
        {
            Temperature = temperature,
            TopP = topP,
            TopK = topK,
            MinP = InRange(request.MinP, 0f, 1f, "min_p") ?? 0f,
            PresencePenalty = InRange(request.PresencePenalty, -2f, 2f, "presence_penalty") ?? 0f,
            FrequencyPenalty = InRange(request.FrequencyPenalty, -2f, 2f, "frequency_penalty") ?? 0f,
            RepetitionPenalty = repetition,
            Seed = request.Seed is long seed ? FoldSeed(seed) : null,
        };
    }

    public static int? MaxTokens(ChatCompletionRequest request)
    {
        if (request.MaxTokens is int max && max < 1)
        {
            throw ApiException.BadRequest($"'max_tokens' must be at least 1, got {max}.", "max_tokens");
        }

        if (request.MaxCompletionTokens is int maxCompletion && maxCompletion < 1)
        {
            throw ApiException.BadRequest($"'max_completion_tokens' must be at least 1, got {maxCompletion}.", "max_completion_tokens");
        }

        return request.MaxCompletionTokens ?? request.MaxTokens;
    }

    public static void ChoiceCount(ChatCompletionRequest request)
    {
        if (request.N is int n && n != 1)
        {
            throw ApiException.BadRequest($"'n' = {n} is not supported: this server returns exactly one choice.", "n");
        }
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

    private static float? InRange(float? value, float min, float max, string param)
    {
        if (value is float v && (float.IsNaN(v) || v < min || v > max))
        {
            throw ApiException.BadRequest($"'{param}' must be between {min} and {max}, got {v}.", param);
        }

        return value;
    }

    /// <summary>llama.cpp seeds are 32-bit and 0xFFFFFFFF means "random"; fold a 64-bit seed without landing there.</summary>
    private static uint FoldSeed(long seed)
    {
        uint folded = (uint)seed ^ (uint)(seed >> 32);
        return folded == uint.MaxValue ? uint.MaxValue - 1 : folded;
    }
}
