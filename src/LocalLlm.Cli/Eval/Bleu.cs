namespace LocalLlm.Cli.Eval;

/// <summary>How BLEU treats an n-gram order with no match, as sacrebleu names the methods.</summary>
internal enum BleuSmoothing
{
    /// <summary>No smoothing: any order without a match makes BLEU 0.</summary>
    None,

    /// <summary>sacrebleu's default ('exp', NIST geometric sequence): the k-th order without a match gets precision 1 / (2^k × total).</summary>
    Exp,

    /// <summary>sacrebleu's 'floor': an order without a match gets precision 0.1 / total.</summary>
    Floor,
}

/// <summary>Corpus BLEU-4 and its parts; <see cref="Score"/> and <see cref="Precisions"/> are on sacrebleu's 0–100 scale.</summary>
internal sealed record BleuScore(double Score, IReadOnlyList<double> Precisions, double BrevityPenalty, long SysLen, long RefLen, IReadOnlyList<long> Correct, IReadOnlyList<long> Total);

/// <summary>
/// Corpus-level BLEU-4 as sacrebleu's `corpus_bleu` computes it with one reference per segment: clipped n-gram
/// matches and candidate n-gram counts (n = 1..4) are summed over the whole corpus before the precisions are taken,
/// BLEU = BP × exp(¼ Σ log pₙ), with the standard brevity penalty BP = 1 when the candidate corpus is longer than the
/// reference corpus, else exp(1 − r/c) (0 when c = 0). With no match at all BLEU is 0 whatever the smoothing.
/// </summary>
internal static class Bleu
{
    public const int MaxOrder = 4;

    public static BleuScore Corpus(IReadOnlyList<(IReadOnlyList<string> Hypothesis, IReadOnlyList<string> Reference)> pairs, BleuSmoothing smoothing)
    {
        var correct = new long[MaxOrder];
        var total = new long[MaxOrder];
        long sysLen = 0;
        long refLen = 0;
        foreach ((IReadOnlyList<string> hypothesis, IReadOnlyList<string> reference) in pairs)
        {
            sysLen += hypothesis.Count;
            refLen += reference.Count;
            for (int n = 1; n <= MaxOrder; n++)
            {
                Dictionary<string, int> referenceCounts = NGrams(reference, n);
                foreach ((string gram, int count) in NGrams(hypothesis, n))
                {
                    correct[n - 1] += Math.Min(count, referenceCounts.GetValueOrDefault(gram));
                }

                total[n - 1] += Math.Max(0, hypothesis.Count - n + 1);
            }
        }

        return Score(correct, total, sysLen, refLen, smoothing);
    }

    /// <summary>sacrebleu's `compute_bleu` on summed statistics (effective order off, as for corpus BLEU).</summary>
    public static BleuScore Score(long[] correct, long[] total, long sysLen, long refLen, BleuSmoothing smoothing)
    {
        double bp = sysLen < refLen ? (sysLen > 0 ? Math.Exp(1 - ((double)refLen / sysLen)) : 0) : 1;
        var precisions = new double[MaxOrder];
        if (correct.All(c => c == 0))
        {
            return new BleuScore(0, precisions, bp, sysLen, refLen, correct, total);
        }

        double smoothExp = 1;
        for (int n = 0; n < MaxOrder; n++)
        {
            if (total[n] == 0)
            {
                break; // precision stays 0: a corpus too short for this order scores 0, as in sacrebleu
            }

            if (correct[n] > 0)
            {
                precisions[n] = 100.0 * correct[n] / total[n];
            }
            else if (smoothing == BleuSmoothing.Exp)
            {
                smoothExp *= 2;
                precisions[n] = 100.0 / (smoothExp * total[n]);
            }
            else if (smoothing == BleuSmoothing.Floor)
            {
                precisions[n] = 100.0 * 0.1 / total[n];
            }
        }

        double score = precisions.Any(p => p == 0) ? 0 : bp * Math.Exp(precisions.Sum(p => Math.Log(p)) / MaxOrder);
        return new BleuScore(score, precisions, bp, sysLen, refLen, correct, total);
    }

    private static Dictionary<string, int> NGrams(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i + n <= tokens.Count; i++)
        {
            // U+0001 cannot occur inside a token, so joined n-grams are unambiguous.
            string gram = string.Join('\u0001', tokens.Skip(i).Take(n));
            counts[gram] = counts.GetValueOrDefault(gram) + 1;
        }

        return counts;
    }
}
