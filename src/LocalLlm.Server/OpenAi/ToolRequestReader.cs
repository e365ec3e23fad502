using System.Text.Json;
using LocalLlm.Server.Chat;
using LocalLlm.Templates;

namespace LocalLlm.Server.OpenAi;

internal enum ToolChoiceMode
{
    Auto,
    None,
    Required,
    Named,
}

/// <summary>
/// The request's tools and tool choice. <see cref="Tools"/> are template values of the OpenAI tool objects as sent;
/// <see cref="Functions"/> are those a forced call may name (all, or the one named by tool_choice).
/// </summary>
internal sealed record ToolRequest(IReadOnlyList<object?> Tools, IReadOnlyList<ToolFunction> Functions, ToolChoiceMode Mode, bool Parallel)
{
    public static readonly ToolRequest Empty = new([], [], ToolChoiceMode.None, false);

    /// <summary>The model may call tools, so its output is parsed for calls.</summary>
    public bool Enabled => Tools.Count > 0 && Mode != ToolChoiceMode.None;

    /// <summary>The output must be a call: generation is constrained by a grammar.</summary>
    public bool Forced => Mode is ToolChoiceMode.Required or ToolChoiceMode.Named;
}

internal static class ToolRequestReader
{
    public static ToolRequest Read(ChatCompletionRequest request)
    {
        var tools = new List<object?>();
        var functions = new List<ToolFunction>();
        if (request.Tools is { ValueKind: not JsonValueKind.Null } toolsElement)
        {
            if (toolsElement.ValueKind != JsonValueKind.Array)
            {
                throw ApiException.BadRequest("'tools' must be an array of function tools.", "tools");
            }

            int index = 0;
            foreach (JsonElement tool in toolsElement.EnumerateArray())
            {
                functions.Add(Function(tool, $"tools[{index++}]"));
                tools.Add(JsonValues.FromJson(tool));
            }
        }

        (ToolChoiceMode mode, string? named) = Choice(request.ToolChoice, tools.Count > 0);
        if (named is not null)
        {
            functions = functions.Where(f => f.Name == named).ToList();
            if (functions.Count == 0)
            {
                throw ApiException.BadRequest($"'tool_choice' names the function '{named}', which is not in 'tools'.", "tool_choice");
            }
        }

        return new ToolRequest(tools, functions, mode, request.ParallelToolCalls ?? true);
    }

    private static ToolFunction Function(JsonElement tool, string param)
    {
        if (tool.ValueKind != JsonValueKind.Object
            || !tool.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
        {
            throw ApiException.BadRequest($"'{param}.type' must be 'function'.", $"{param}.type");
        }

        if (!tool.TryGetProperty("function", out JsonElement function) || function.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest($"'{param}.function' must be an object.", $"{param}.function");
        }

        if (!function.TryGetProperty("name", out JsonElement name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } text)
        {
            throw ApiException.BadRequest($"'{param}.function.name' must be a non-empty string.", $"{param}.function.name");
        }

        if (!function.TryGetProperty("parameters", out JsonElement parameters) || parameters.ValueKind == JsonValueKind.Null)
        {
            return new ToolFunction(text, TakesNoArguments: true);
        }

        if (parameters.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest($"'{param}.function.parameters' must be a JSON Schema object.", $"{param}.function.parameters");
        }

        // An object schema without properties (and not open to others) admits only {}.
        bool noProperties = !parameters.TryGetProperty("properties", out JsonElement properties)
            || (properties.ValueKind == JsonValueKind.Object && !properties.EnumerateObject().Any());
        bool closed = !parameters.TryGetProperty("additionalProperties", out JsonElement additional) || additional.ValueKind == JsonValueKind.False;
        return new ToolFunction(text, noProperties && closed, parameters);
    }

    private static (ToolChoiceMode Mode, string? Named) Choice(JsonElement? choice, bool hasTools)
    {
        // OpenAI: "none" is the default without tools, "auto" with them.
        if (choice is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return (hasTools ? ToolChoiceMode.Auto : ToolChoiceMode.None, null);
        }

        (ToolChoiceMode Mode, string? Named) result = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString() switch
            {
                "auto" => (ToolChoiceMode.Auto, (string?)null),
                "none" => (ToolChoiceMode.None, (string?)null),
                "required" => (ToolChoiceMode.Required, (string?)null),
                var other => throw ApiException.BadRequest(
                    $"Invalid value '{other}' for 'tool_choice': expected 'auto', 'none', 'required' or a function object.", "tool_choice"),
            },
            JsonValueKind.Object => (ToolChoiceMode.Named, (string?)NamedFunction(element)),
            _ => throw ApiException.BadRequest("'tool_choice' must be a string or a function object.", "tool_choice"),
        };

        if (!hasTools && result.Mode is ToolChoiceMode.Required or ToolChoiceMode.Named)
        {
            throw ApiException.BadRequest("'tool_choice' requires a tool call, but 'tools' is empty.", "tool_choice");
        }

        return result;
    }

    private static string NamedFunction(JsonElement choice)
    {
        if (choice.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() == "function"
            && choice.TryGetProperty("function", out JsonElement function) && function.ValueKind == JsonValueKind.Object
            && function.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String)
        {
            return name.GetString()!;
        }

        throw ApiException.BadRequest("'tool_choice' must be {\"type\": \"function\", \"function\": {\"name\": ...}}.", "tool_choice");
    }
}
