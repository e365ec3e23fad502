using System.Text;

namespace LocalLlm.Server.Chat;

/// <summary>
/// Splits the model's output, fed in arbitrary pieces, into content, reasoning (<c>&lt;think&gt;…&lt;/think&gt;</c>) and
/// tool calls. Text that may be the beginning of a marker is held back until it is decided, so markers never reach
/// the content; the deltas of any split of the same output sum to the same result.
/// </summary>
internal sealed class ChatOutputParser
{
    public const string ThinkOpen = "<think>";
    public const string ThinkClose = "</think>";

    private readonly ToolCallSyntax? _tools;
    private readonly bool _reasoning;
    private readonly bool _startsInReasoning;
    private readonly Func<string> _newCallId;
    private readonly StringBuilder _buffer = new();
    private State _state;
    private bool _trimLeading;
    private bool _contentSeen;
    private int _callCount;

    /// <param name="tools">The tool-call syntax to recognise; null leaves calls in the content.</param>
    /// <param name="reasoning">Separate thinking from content; false keeps the tags inline.</param>
    /// <param name="startsInReasoning">The prompt already opened <c>&lt;think&gt;</c> (DeepSeek-R1), so output begins as reasoning.</param>
    public ChatOutputParser(ToolCallSyntax? tools, bool reasoning, bool startsInReasoning, Func<string>? newCallId = null)
    {
        _tools = tools;
        _reasoning = reasoning;
        _startsInReasoning = startsInReasoning;
        _newCallId = newCallId ?? NewCallId;
        _state = reasoning && startsInReasoning ? State.Reasoning : State.Content;
        _trimLeading = _state == State.Reasoning;
    }

    private enum State
    {
        Content,
        Reasoning,
        ToolBlock,
    }

    public int ToolCallCount => _callCount;

    /// <summary>A parser with the same settings that has seen no output yet, for another choice of the same request.</summary>
    public ChatOutputParser CreateFresh() => new(_tools, _reasoning, _startsInReasoning, _newCallId);

    public static string NewCallId() => "call_" + Guid.NewGuid().ToString("N")[..24];

    public List<ChatDelta> Push(string text)
    {
        var deltas = new List<ChatDelta>();
        _buffer.Append(text);
        while (Step(deltas))
        {
        }

        return deltas;
    }

    /// <summary>The output has ended: whatever is held back is decided now.</summary>
    public List<ChatDelta> Finish()
    {
        var deltas = new List<ChatDelta>();
        string rest = _buffer.ToString();
        _buffer.Clear();
        switch (_state)
        {
            case State.Reasoning:
                Emit(deltas, ChatDeltaKind.Reasoning, rest);
                break;
            case State.ToolBlock:
                Block(deltas, rest, closed: false);
                break;
            default:
                Emit(deltas, ChatDeltaKind.Content, rest);
                break;
        }

        return deltas;
    }

    /// <summary>Advances over the buffer once; true when it changed state and should be looked at again.</summary>
    private bool Step(List<ChatDelta> deltas)
    {
        string buffer = _buffer.ToString();
        switch (_state)
        {
            case State.Reasoning:
            {
                int close = buffer.IndexOf(ThinkClose, StringComparison.Ordinal);
                if (close >= 0)
                {
                    Emit(deltas, ChatDeltaKind.Reasoning, buffer[..close]);
                    Keep(buffer[(close + ThinkClose.Length)..]);
                    _state = State.Content;
                    _trimLeading = true;
                    return true;
                }

                int held = HeldSuffix(buffer, ThinkClose);
                Emit(deltas, ChatDeltaKind.Reasoning, buffer[..^held]);
                Keep(buffer[^held..]);
                return false;
            }

            case State.ToolBlock:
            {
                int end = _tools!.End is { } marker ? buffer.IndexOf(marker, StringComparison.Ordinal) : -1;
                if (end < 0)
                {
                    return false;
                }

                Keep(buffer[(end + _tools.End!.Length)..]);
                Block(deltas, buffer[..end], closed: true);
                return true;
            }

            default:
                return ContentStep(deltas, buffer);
        }
    }

    private bool ContentStep(List<ChatDelta> deltas, string buffer)
    {
        // Llama 3.x: a reply whose first non-blank character opens a JSON object may be a call; hold it to the end.
        if (_tools is { StartsReply: true } && !_contentSeen)
        {
            string trimmed = buffer.TrimStart();
            if (trimmed.Length == 0)
            {
                return false;
            }

            if (trimmed.StartsWith(_tools.Start, StringComparison.Ordinal))
            {
                Keep(trimmed);
                _state = State.ToolBlock;
                return false;
            }
        }

        int think = _reasoning ? buffer.IndexOf(ThinkOpen, StringComparison.Ordinal) : -1;
        int call = _tools is { StartsReply: false } ? buffer.IndexOf(_tools.Start, StringComparison.Ordinal) : -1;
        if (think >= 0 && (call < 0 || think < call))
        {
            Emit(deltas, ChatDeltaKind.Content, buffer[..think]);
            Keep(buffer[(think + ThinkOpen.Length)..]);
            _state = State.Reasoning;
            _trimLeading = true;
            return true;
        }

        if (call >= 0)
        {
            Emit(deltas, ChatDeltaKind.Content, buffer[..call]);
            Keep(buffer[(call + _tools!.Start.Length)..]);
            _state = State.ToolBlock;
            return true;
        }

        int held = Math.Max(_reasoning ? HeldSuffix(buffer, ThinkOpen) : 0, _tools is { StartsReply: false } ? HeldSuffix(buffer, _tools.Start) : 0);
        Emit(deltas, ChatDeltaKind.Content, buffer[..^held]);
        Keep(buffer[^held..]);
        return false;
    }

    /// <summary>Emits the calls in a block, or gives the block back to the content when it does not decode.</summary>
    private void Block(List<ChatDelta> deltas, string block, bool closed)
    {
        ToolCallSyntax tools = _tools!;
        List<(string Name, string Arguments)>? calls = tools.Decode(block);
        _state = State.Content;
        if (calls is null)
        {
            string raw = (tools.StartIsPartOfBlock ? string.Empty : tools.Start) + block + (closed ? tools.End : string.Empty);
            Emit(deltas, ChatDeltaKind.Content, raw);
            return;
        }

        foreach ((string name, string arguments) in calls)
        {
            int index = _callCount++;
            deltas.Add(new ChatDelta(ChatDeltaKind.ToolCallStart, name, index, _newCallId()));
            deltas.Add(new ChatDelta(ChatDeltaKind.ToolArguments, arguments, index));
        }

        // Blank lines between consecutive calls are layout, not content.
        _trimLeading = true;
    }

    private void Emit(List<ChatDelta> deltas, ChatDeltaKind kind, string text)
    {
        if (_trimLeading)
        {
            text = text.TrimStart();
            if (text.Length == 0)
            {
                return;
            }

            _trimLeading = false;
        }

        if (text.Length == 0)
        {
            return;
        }

        if (kind == ChatDeltaKind.Content)
        {
            _contentSeen = true;
        }

        // Consecutive pieces of one kind merge, so a chunk carries one delta per kind.
        if (deltas.Count > 0 && deltas[^1].Kind == kind && kind is ChatDeltaKind.Content or ChatDeltaKind.Reasoning)
        {
            deltas[^1] = deltas[^1] with { Text = deltas[^1].Text + text };
            return;
        }

        deltas.Add(new ChatDelta(kind, text));
    }

    private void Keep(string rest)
    {
        _buffer.Clear();
        _buffer.Append(rest);
    }

    /// <summary>Length of the longest end of <paramref name="text"/> that is a proper beginning of <paramref name="marker"/>.</summary>
    private static int HeldSuffix(string text, string marker)
    {
        for (int length = Math.Min(text.Length, marker.Length - 1); length > 0; length--)
        {
            if (marker.AsSpan(0, length).SequenceEqual(text.AsSpan(text.Length - length)))
            {
                return length;
            }
        }

        return 0;
    }
}
