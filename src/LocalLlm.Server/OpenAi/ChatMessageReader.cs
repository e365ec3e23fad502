using System.Text.Json;
using LocalLlm.Server.Chat;
using LocalLlm.Templates;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// Checks the request's messages and turns them into the template values Hugging Face passes: role, content and,
/// when present, name, tool_calls, tool_call_id and reasoning_content.
/// </summary>
internal static class ChatMessageReader
{
    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool" };

    public static List<object?> Read(ChatCompletionRequest request, ChatFormat format)
    {
        if (request.Messages is not { Count: > 0 } messages)
        {
            throw ApiException.BadRequest("'messages' must be a non-empty array of messages.", "messages");
        }

        var result = new List<object?>(messages.Count);
        for (int i = 0; i < messages.Count; i++)
        {
            ChatMessage? message = messages[i];
            string param = $"messages[{i}]";
            if (message?.Role is not { } role)
            {
                throw ApiException.BadRequest($"'{param}.role' is required.", $"{param}.role");
            }

            if (!Roles.Contains(role))
            {
                throw ApiException.BadRequest(
                    $"Invalid value '{role}' for '{param}.role': expected one of system, developer, user, assistant, tool.", $"{param}.role");
            }

            // A developer message is the newer name of a system message; templates know only "system".
            var value = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["role"] = role == "developer" ? "system" : role,
                ["content"] = ChatRequestValidator.ContentText(message.Content, role, param),
            };
            if (message.Name is { } name)
            {
                value["name"] = name;
            }

            if (message.ToolCalls is { ValueKind: not JsonValueKind.Null } calls)
            {
                if (role != "assistant")
                {
                    throw ApiException.BadRequest($"'{param}.tool_calls' is only allowed on assistant messages.", $"{param}.tool_calls");
                }

                value["tool_calls"] = ToolCalls(calls, $"{param}.tool_calls", format);
            }

            if (role == "tool")
            {
                value["tool_call_id"] = message.ToolCallId
                    ?? throw ApiException.BadRequest($"'{param}.tool_call_id' is required on tool messages.", $"{param}.tool_call_id");
            }

            if (message.ReasoningContent is { } reasoning && role == "assistant")
            {
                value["reasoning_content"] = reasoning;
            }

            result.Add(value);
        }

        return result;
    }

    private static List<object?> ToolCalls(JsonElement calls, string param, ChatFormat format)
    {
        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadRequest($"'{param}' must be an array of tool calls.", param);
        }

        var result = new List<object?>();
        int index = 0;
        foreach (JsonElement call in calls.EnumerateArray())
        {
            string at = $"{param}[{index++}]";
            if (call.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest($"'{at}' must be an object.", at);
            }

            string id = Text(call, "id", at);
            if (call.TryGetProperty("type", out JsonElement type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "function"))
            {
                throw ApiException.BadRequest($"'{at}.type' must be 'function'.", $"{at}.type");
            }

            if (!call.TryGetProperty("function", out JsonElement function) || function.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest($"'{at}.function' must be an object with name and arguments.", $"{at}.function");
            }

            string name = Text(function, "name", $"{at}.function");
            string arguments = Text(function, "arguments", $"{at}.function");
            object? argumentsValue = arguments;
            if (format.ArgumentsAsObject)
            {
                try
                {
                    using JsonDocument parsed = JsonDocument.Parse(arguments);
                    argumentsValue = JsonValues.FromJson(parsed.RootElement);
                }
                catch (JsonException)
                {
                    throw ApiException.BadRequest($"'{at}.function.arguments' must be a JSON text.", $"{at}.function.arguments");
                }
            }

            var functionValue = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = name, ["arguments"] = argumentsValue };
            result.Add(new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["id"] = id,
                ["type"] = "function",
                ["function"] = functionValue,
            });
        }

        return result;
    }

    private static string Text(JsonElement obj, string property, string param) =>
        obj.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw ApiException.BadRequest($"'{param}.{property}' must be a string.", $"{param}.{property}");
}
