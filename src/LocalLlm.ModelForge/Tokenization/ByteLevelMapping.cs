using System.Text;

namespace LocalLlm.ModelForge.Tokenization;

/// <summary>
/// GPT-2's byte-to-character mapping: every byte gets a printable, non-whitespace character so that token texts
/// and "left right" merge strings never contain raw control bytes or spaces. Printable Latin-1 bytes map to
/// themselves; the other 68 bytes map, in byte order, to U+0100 onwards (space becomes 'Ġ', newline 'Ċ').
/// </summary>
internal static class ByteLevelMapping
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> CharToByte = BuildCharToByte();

    /// <summary>
    /// The 256 bytes in GPT-2 vocabulary order: the printable bytes first, then the remapped ones. Byte tokens take
    /// ids 0..255 in this order, as they do in GPT-2 and Qwen vocabularies.
    /// </summary>
    public static IReadOnlyList<byte> VocabularyOrder { get; } = BuildOrder();

    public static char Map(byte value) => ByteToChar[value];

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            builder.Append(ByteToChar[b]);
        }

        return builder.ToString();
    }

    public static string Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    /// <summary>Inverse of <see cref="Encode(ReadOnlySpan{byte})"/>; throws on characters outside the mapping.</summary>
    public static byte[] Decode(string mapped)
    {
        var bytes = new byte[mapped.Length];
        for (var i = 0; i < mapped.Length; i++)
        {
            bytes[i] = CharToByte.TryGetValue(mapped[i], out var b)
                ? b
                : throw new ArgumentException($"Character U+{(int)mapped[i]:X4} is not a byte-level character.", nameof(mapped));
        }

        return bytes;
    }

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            map[b] = IsPrintable(b) ? (char)b : (char)next++;
        }

        return map;
    }

    private static Dictionary<char, byte> BuildCharToByte()
    {
        var map = new Dictionary<char, byte>(256);
        for (var b = 0; b < 256; b++)
        {
            map[ByteToChar[b]] = (byte)b;
        }

        return map;
    }

    private static byte[] BuildOrder()
    {
        var order = new List<byte>(256);
        for (var b = 0; b < 256; b++)
        {
            if (IsPrintable(b))
            {
                order.Add((byte)b);
            }
        }

        for (var b = 0; b < 256; b++)
        {
            if (!IsPrintable(b))
            {
                order.Add((byte)b);
            }
        }

        return [.. order];
    }
}
