namespace LocalLlm.Cli.Eval;

/// <summary>
/// ROUGE-L F1 of one hypothesis against one reference (Lin, 2004), β = 1: with L the length of their longest
/// common subsequence, P = L / |hypothesis|, R = L / |reference|, F1 = 2PR / (P + R); 0 when either side is empty
/// or nothing is shared (as Google's rouge-score reports). The corpus figure is the mean over pairs.
/// </summary>
internal static class RougeL
{
    public static double F1(IReadOnlyList<string> hypothesis, IReadOnlyList<string> reference)
    {
        if (hypothesis.Count == 0 || reference.Count == 0)
        {
            return 0;
        }

        int lcs = LongestCommonSubsequence(hypothesis, reference);
        if (lcs == 0)
        {
            return 0;
        }

        double precision = (double)lcs / hypothesis.Count;
        double recall = (double)lcs / reference.Count;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>Dynamic programming over two rows: O(|a| × |b|) time, O(|b|) memory.</summary>
    public static int LongestCommonSubsequence(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (int i = 1; i <= a.Count; i++)
        {
            for (int j = 1; j <= b.Count; j++)
            {
                current[j] = string.Equals(a[i - 1], b[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Count];
    }
}
