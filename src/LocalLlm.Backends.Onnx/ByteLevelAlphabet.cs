namespace LocalLlm.Backends.Onnx;

/// <summary>
/// GPT-2's byte-to-character table (bytes_to_unicode): printable bytes map to themselves, the others to code points
/// from 256 up, so every token of a byte-level vocabulary is a printable string of one character per byte.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] s_byteToChar = BuildTable();
    private static readonly Dictionary<char, byte> s_charToByte = Enumerable.Range(0, 256).ToDictionary(b => s_byteToChar[b], b => (byte)b);

    public static char Map(byte value) => s_byteToChar[value];

    /// <summary>The bytes a byte-level token text stands for, or null when a character is outside the table.</summary>
    public static byte[]? Unmap(string text)
    {
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            if (!s_charToByte.TryGetValue(text[i], out bytes[i]))
            {
                return null;
            }
        }

        return bytes;
    }

    public static string Map(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                chars[i] = s_byteToChar[source[i]];
            }
        });
    }

    private static char[] BuildTable()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }
}
