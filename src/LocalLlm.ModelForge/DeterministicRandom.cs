using System.Numerics;
using System.Text;

namespace LocalLlm.ModelForge;

/// <summary>
/// xoshiro256** seeded through SplitMix64. The forge promises byte-identical files for equal specs on every
/// machine, so nothing here may depend on the runtime's <see cref="Random"/> algorithm or on platform libm
/// functions (log, cos, pow): only integer operations and correctly rounded float arithmetic are used.
/// </summary>
internal sealed class DeterministicRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public DeterministicRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>A generator for a named stream: the same (seed, name) always yields the same sequence.</summary>
    public static DeterministicRandom ForStream(ulong seed, string name) => new(seed ^ Fnv1a(name));

    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>) without modulo bias (Lemire's method).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        var threshold = (0UL - (ulong)bound) % (ulong)bound;
        while (true)
        {
            var product = Math.BigMul(NextUInt64(), (ulong)bound, out var low);
            if (low >= threshold)
            {
                return (int)product;
            }
        }
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// An approximately standard normal sample: the sum of four independent 16-bit uniforms (Irwin-Hall), centred
    /// and scaled to unit variance. Bounded to about ±3.46, which also keeps random weights free of outliers.
    /// </summary>
    public float NextGaussianLike()
    {
        var bits = NextUInt64();
        var sum = (long)(bits & 0xFFFF) + (long)((bits >> 16) & 0xFFFF) + (long)((bits >> 32) & 0xFFFF) + (long)(bits >> 48);

        // Four U[0, 65536) sum to mean 131070 and variance 4 * (65536^2 - 1) / 12.
        const double Mean = 4 * 65535 / 2.0;
        const double InverseStd = 1.0 / 37837.22723720648;
        return (float)((sum - Mean) * InverseStd);
    }

    internal static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
