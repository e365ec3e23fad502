using System.Text;

namespace LocalLlm.Engine.Text;

/// <summary>
/// Finds stop sequences in streamed text, across token boundaries. Text that could still be the start of a stop
/// sequence is held back, so a stop sequence never leaks into the output, even partially.
/// </summary>
internal sealed class StopSequenceMatcher
{
    private readonly IReadOnlyList<string> _stops;
    private readonly int _holdBack;
    private readonly StringBuilder _pending = new();

    public StopSequenceMatcher(IReadOnlyList<string> stops)
    {
        _stops = stops.Where(s => s.Length > 0).ToArray();
        _holdBack = _stops.Count == 0 ? 0 : _stops.Max(s => s.Length) - 1;
    }

    public bool Stopped { get; private set; }

    /// <summary>Adds text; returns what can be released now. After a match, releases the text before it and sets <see cref="Stopped"/>.</summary>
    public string Push(string text)
    {
        if (_stops.Count == 0)
        {
            return text;
        }

        _pending.Append(text);
        string buffered = _pending.ToString();
        int earliest = -1;
        foreach (string stop in _stops)
        {
            int at = buffered.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (earliest < 0 || at < earliest))
            {
                earliest = at;
            }
        }

        if (earliest >= 0)
        {
            Stopped = true;
            _pending.Clear();
            return buffered[..earliest];
        }

        int release = buffered.Length - LongestSuffixThatStartsAStop(buffered);
        _pending.Remove(0, release);
        return buffered[..release];
    }

    /// <summary>The generation ended without a match: everything held back is output.</summary>
    public string Flush()
    {
        string rest = _pending.ToString();
        _pending.Clear();
        return rest;
    }

    private int LongestSuffixThatStartsAStop(string buffered)
    {
        for (int length = Math.Min(_holdBack, buffered.Length); length > 0; length--)
        {
            ReadOnlySpan<char> suffix = buffered.AsSpan(buffered.Length - length);
            foreach (string stop in _stops)
            {
                if (stop.Length > length && stop.AsSpan().StartsWith(suffix, StringComparison.Ordinal))
                {
                    return length;
                }
            }
        }

        return 0;
    }
}
