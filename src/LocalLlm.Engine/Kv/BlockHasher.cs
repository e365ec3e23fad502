namespace LocalLlm.Engine.Kv;

/// <summary>
/// Chained block hashes: a block's hash covers its parent's hash and its own tokens, so equal hashes mean equal
/// prefixes (collisions are caught by comparing the stored tokens on every hit).
/// </summary>
internal static class BlockHasher
{
    private const ulong Root = 0x9E3779B97F4A7C15UL;

    public static ulong Hash(ulong parent, ReadOnlySpan<int> tokens)
    {
        ulong hash = Mix(parent ^ Root);
        foreach (int token in tokens)
        {
            hash = Mix(hash ^ (uint)token);
        }

        return Mix(hash ^ (ulong)tokens.Length);
    }

    public static ulong RootHash => Root;

    /// <summary>SplitMix64's finaliser: every input bit affects every output bit.</summary>
    private static ulong Mix(ulong value)
    {
        value += 0x9E3779B97F4A7C15UL;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
