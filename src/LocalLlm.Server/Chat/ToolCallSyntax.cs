using System.Text.Json;

namespace LocalLlm.Server.Chat;

/// <summary>
/// Where a format's tool calls start and end in the output, and how a block between those markers decodes into calls.
/// A block that does not decode is returned to the content as written.
/// </summary>
internal sealed class ToolCallSyntax
{
    public const string DeepSeekCallsBegin = "<｜tool▁calls▁begin｜>";
    public const string DeepSeekCallsEnd = "<｜tool▁calls▁end｜>";
    public const string DeepSeekCallBegin = "<｜tool▁call▁begin｜>";
    public const string DeepSeekCallEnd = "<｜tool▁call▁end｜>";
    public const string DeepSeekSep = "<｜tool▁sep｜>";

    private ToolCallSyntax(ToolCallFormat format, string start, string? end, bool startsReply)
    {
        Format = format;
        Start = start;
        End = end;
        StartsReply = startsReply;
    }

    public ToolCallFormat Format { get; }

    /// <summary>The text that opens a block of calls.</summary>
    public string Start { get; }

    /// <summary>The text that closes a block; null when the block runs to the end of the output.</summary>
    public string? End { get; }

    /// <summary>The start is recognised only as the first non-blank text of the reply (Llama 3.x's bare JSON).</summary>
    public bool StartsReply { get; }

    /// <summary>The start marker belongs to the block's JSON and is decoded with it.</summary>
    public bool StartIsPartOfBlock => Format == ToolCallFormat.Llama3Json;

    public static ToolCallSyntax? For(ToolCallFormat format) => format switch
    {
        ToolCallFormat.Hermes => new(format, "<tool_call>", "</tool_call>", false),
        ToolCallFormat.DeepSeekV3 or ToolCallFormat.DeepSeekR1 => new(format, DeepSeekCallsBegin, DeepSeekCallsEnd, false),
        ToolCallFormat.Mistral => new(format, "[TOOL_CALLS]", null, false),
        ToolCallFormat.Llama3Json => new(format, "{", null, true),
        _ => null,
    };

    /// <summary>The (name, arguments JSON) pairs in <paramref name="block"/>, or null when it is not a well-formed block.</summary>
    public List<(string Name, string Arguments)>? Decode(string block)
    {
        try
        {
            return Format switch
            {
                ToolCallFormat.Hermes => One(JsonCall(block, "arguments")),
                ToolCallFormat.Llama3Json => One(JsonCall(block, "parameters") ?? JsonCall(block, "arguments")),
                ToolCallFormat.Mistral => MistralCalls(block),
                ToolCallFormat.DeepSeekV3 or ToolCallFormat.DeepSeekR1 => DeepSeekCalls(block),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<(string, string)>? One((string, string)? call) => call is { } c ? [c] : null;

    /// <summary>A JSON object <c>{"name": "...", "&lt;argumentsKey&gt;": {...}}</c>; arguments given as a JSON string are kept as that text.</summary>
    private static (string Name, string Arguments)? JsonCall(string json, string argumentsKey)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return ObjectCall(document.RootElement, argumentsKey);
    }

    private static (string Name, string Arguments)? ObjectCall(JsonElement call, string argumentsKey)
    {
        if (call.ValueKind != JsonValueKind.Object
            || !call.TryGetProperty("name", out JsonElement name) || name.ValueKind != JsonValueKind.String
            || !call.TryGetProperty(argumentsKey, out JsonElement arguments))
        {
            return null;
        }

        return arguments.ValueKind switch
        {
            JsonValueKind.Object => (name.GetString()!, arguments.GetRawText()),
            JsonValueKind.String => (name.GetString()!, arguments.GetString()!),
            _ => null,
        };
    }

    private static List<(string, string)>? MistralCalls(string block)
    {
        using JsonDocument document = JsonDocument.Parse(block);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var calls = new List<(string, string)>();
        foreach (JsonElement item in document.RootElement.EnumerateArray())
        {
            if (ObjectCall(item, "arguments") is not { } call)
            {
                return null;
            }

            calls.Add(call);
        }

        return calls.Count > 0 ? calls : null;
    }

    /// <summary>
    /// V3.1: <c>&lt;｜tool▁call▁begin｜&gt;NAME&lt;｜tool▁sep｜&gt;{...}&lt;｜tool▁call▁end｜&gt;</c>; R1:
    /// <c>&lt;｜tool▁call▁begin｜&gt;function&lt;｜tool▁sep｜&gt;NAME\n```json\n{...}\n```&lt;｜tool▁call▁end｜&gt;</c>.
    /// </summary>
    private static List<(string, string)>? DeepSeekCalls(string block)
    {
        var calls = new List<(string, string)>();
        string rest = block.Trim();
        while (rest.Length > 0)
        {
            int end = rest.IndexOf(DeepSeekCallEnd, StringComparison.Ordinal);
            if (!rest.StartsWith(DeepSeekCallBegin, StringComparison.Ordinal) || end < 0)
            {
                return null;
            }

            string call = rest[DeepSeekCallBegin.Length..end];
            rest = rest[(end + DeepSeekCallEnd.Length)..].TrimStart();
            int sep = call.IndexOf(DeepSeekSep, StringComparison.Ordinal);
            if (sep < 0)
            {
                return null;
            }

            string head = call[..sep];
            string body = call[(sep + DeepSeekSep.Length)..];
            int fence = body.IndexOf("\n```json\n", StringComparison.Ordinal);
            (string name, string arguments) = head == "function" && fence >= 0
                ? (body[..fence], body[(fence + 9)..].TrimEnd().TrimEnd('`').TrimEnd())
                : (head, body);
            using JsonDocument document = JsonDocument.Parse(arguments);
            if (name.Length == 0 || document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            calls.Add((name, arguments.Trim()));
        }

        return calls.Count > 0 ? calls : null;
    }
}
