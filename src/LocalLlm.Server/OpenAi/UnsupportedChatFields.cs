using System.Text.Json;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// OpenAI chat fields whose absence would change what the client gets (audio, web search, legacy function calls) are
/// refused with a 400 naming them rather than ignored; fields that only tune OpenAI's own service are ignored.
/// </summary>
internal static class UnsupportedChatFields
{
    public static void Check(ChatCompletionRequest request)
    {
        if (IsSet(request.Audio))
        {
            throw ApiException.BadRequest("'audio' is not supported: this server generates text only.", "audio");
        }

        if (IsSet(request.Modalities) && !OnlyText(request.Modalities!.Value))
        {
            throw ApiException.BadRequest("'modalities' may only be [\"text\"]: this server generates text only.", "modalities");
        }

        if (IsSet(request.Functions) || IsSet(request.FunctionCall))
        {
            string param = IsSet(request.Functions) ? "functions" : "function_call";
            throw ApiException.BadRequest($"'{param}' is deprecated and not supported; use 'tools' and 'tool_choice'.", param);
        }

        if (IsSet(request.WebSearchOptions))
        {
            throw ApiException.BadRequest("'web_search_options' is not supported: this server does not search the web.", "web_search_options");
        }
    }

    private static bool IsSet(JsonElement? value) => value is { ValueKind: not JsonValueKind.Null };

    private static bool OnlyText(JsonElement modalities) =>
        modalities.ValueKind == JsonValueKind.Array
        && modalities.EnumerateArray().All(m => m.ValueKind == JsonValueKind.String && m.GetString() == "text");
}
