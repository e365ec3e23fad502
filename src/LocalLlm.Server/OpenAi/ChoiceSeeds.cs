namespace LocalLlm.Server.OpenAi;

/// <summary>Seeds as llama.cpp takes them, one per choice.</summary>
internal static class ChoiceSeeds
{
    /// <summary>llama.cpp seeds are 32-bit and 0xFFFFFFFF means "random"; fold a 64-bit seed without landing there.</summary>
    public static uint Fold(long seed)
    {
        uint folded = (uint)seed ^ (uint)(seed >> 32);
        return folded == uint.MaxValue ? uint.MaxValue - 1 : folded;
    }

    /// <summary>Choice 0 keeps the seed; choice i &gt; 0 gets a well-mixed seed of (seed, i) (SplitMix64's finalizer).</summary>
    public static uint? ForChoice(uint? seed, int choice)
    {
        if (seed is not uint value || choice == 0)
        {
            return seed;
        }

        ulong x = value + ((ulong)choice * 0x9E3779B97F4A7C15UL);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return Fold((long)x);
    }
}
