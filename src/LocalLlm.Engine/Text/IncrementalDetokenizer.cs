using System.Text;

namespace LocalLlm.Engine.Text;

/// <summary>
/// Turns a stream of token bytes into text without ever splitting a UTF-8 character:
/// bytes of an incomplete character wait for the next token; invalid sequences become U+FFFD.
/// </summary>
internal sealed class IncrementalDetokenizer
{
    private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    private char[] _chars = new char[64];

    public string Append(ReadOnlySpan<byte> tokenBytes)
    {
        if (tokenBytes.IsEmpty)
        {
            return string.Empty;
        }

        EnsureCapacity(_decoder.GetCharCount(tokenBytes, flush: false));
        int written = _decoder.GetChars(tokenBytes, _chars, flush: false);
        return written == 0 ? string.Empty : new string(_chars, 0, written);
    }

    /// <summary>Ends the stream: bytes still pending become U+FFFD.</summary>
    public string Flush()
    {
        EnsureCapacity(8);
        int written = _decoder.GetChars([], _chars, flush: true);
        return written == 0 ? string.Empty : new string(_chars, 0, written);
    }

    private void EnsureCapacity(int count)
    {
        if (_chars.Length < count)
        {
            _chars = new char[Math.Max(count, _chars.Length * 2)];
        }
    }
}
