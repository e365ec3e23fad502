namespace LocalLlm.Server.Chat;

internal enum ChatDeltaKind
{
    Content,
    Reasoning,

    /// <summary>A call begins: its index, id and function name; arguments follow in <see cref="ToolArguments"/> deltas.</summary>
    ToolCallStart,
    ToolArguments,
}

/// <summary>One piece of parsed model output, in the order a stream sends it.</summary>
internal readonly record struct ChatDelta(ChatDeltaKind Kind, string Text, int ToolIndex = -1, string? ToolCallId = null);

/// <summary>A complete call: the function's name and its arguments as a JSON text.</summary>
internal sealed record ParsedToolCall(string Id, string Name, string Arguments);

/// <summary>Sums deltas into the non-streaming message; a stream's deltas summed this way give exactly that message.</summary>
internal sealed class ChatResultBuilder
{
    private readonly System.Text.StringBuilder _content = new();
    private readonly System.Text.StringBuilder _reasoning = new();
    private readonly List<(string Id, string Name, System.Text.StringBuilder Arguments)> _calls = [];

    public void Add(ChatDelta delta)
    {
        switch (delta.Kind)
        {
            case ChatDeltaKind.Content:
                _content.Append(delta.Text);
                break;
            case ChatDeltaKind.Reasoning:
                _reasoning.Append(delta.Text);
                break;
            case ChatDeltaKind.ToolCallStart:
                _calls.Add((delta.ToolCallId!, delta.Text, new System.Text.StringBuilder()));
                break;
            case ChatDeltaKind.ToolArguments:
                _calls[delta.ToolIndex].Arguments.Append(delta.Text);
                break;
        }
    }

    public void AddRange(IEnumerable<ChatDelta> deltas)
    {
        foreach (ChatDelta delta in deltas)
        {
            Add(delta);
        }
    }

    /// <summary>Null when the reply is only tool calls, as OpenAI sends it.</summary>
    public string? Content => _content.Length == 0 && _calls.Count > 0 ? null : _content.ToString();

    public string? Reasoning => _reasoning.Length == 0 ? null : _reasoning.ToString();

    public IReadOnlyList<ParsedToolCall> ToolCalls => _calls.Select(c => new ParsedToolCall(c.Id, c.Name, c.Arguments.ToString())).ToList();
}
