namespace LocalLlm.Server.StructuredOutput;

/// <summary>An immutable set of Unicode code points as sorted, disjoint, non-adjacent inclusive ranges.</summary>
internal sealed class CodePointSet
{
    public const int MaxCodePoint = 0x10FFFF;

    public static readonly CodePointSet Empty = new([]);

    public static readonly CodePointSet All = new([(0, MaxCodePoint)]);

    /// <summary>Code points a generated JSON string may hold unescaped: no controls, quote, backslash, DEL or surrogates.</summary>
    public static readonly CodePointSet Plain = All.Except(Of((0, 0x1F), ('"', '"'), ('\\', '\\'), (0x7F, 0x7F), (0xD800, 0xDFFF)));

    /// <summary>Printable ASCII: what negated shorthands (<c>\D</c>, <c>\W</c>, <c>\S</c>) generate, the same in every regex dialect.</summary>
    public static readonly CodePointSet PrintableAscii = Of((0x20, 0x7E)).Intersect(Plain);

    private CodePointSet(List<(int First, int Last)> ranges) => Ranges = ranges;

    public IReadOnlyList<(int First, int Last)> Ranges { get; }

    public bool IsEmpty => Ranges.Count == 0;

    public static CodePointSet Of(params (int First, int Last)[] ranges) => Normalize(ranges);

    public bool Contains(int codePoint) => Ranges.Any(r => r.First <= codePoint && codePoint <= r.Last);

    public CodePointSet Union(CodePointSet other) => Normalize(Ranges.Concat(other.Ranges));

    public CodePointSet Complement()
    {
        var ranges = new List<(int, int)>();
        int next = 0;
        foreach ((int first, int last) in Ranges)
        {
            if (first > next)
            {
                ranges.Add((next, first - 1));
            }

            next = last + 1;
        }

        if (next <= MaxCodePoint)
        {
            ranges.Add((next, MaxCodePoint));
        }

        return new CodePointSet(ranges);
    }

    public CodePointSet Intersect(CodePointSet other) => Complement().Union(other.Complement()).Complement();

    public CodePointSet Except(CodePointSet other) => Intersect(other.Complement());

    private static CodePointSet Normalize(IEnumerable<(int First, int Last)> ranges)
    {
        var merged = new List<(int First, int Last)>();
        foreach ((int first, int last) in ranges.Where(r => r.First <= r.Last).OrderBy(r => r.First))
        {
            if (merged.Count > 0 && first <= merged[^1].Last + 1)
            {
                merged[^1] = (merged[^1].First, Math.Max(merged[^1].Last, last));
            }
            else
            {
                merged.Add((first, last));
            }
        }

        return new CodePointSet(merged);
    }
}
