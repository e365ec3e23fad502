namespace LocalLlm.ModelForge.Fitting;

/// <summary>
/// The corpus's next-token distribution given the current token: P(s | t) = (c(t, s) + α u(s)) / (c(t) + α), the
/// bigram counts smoothed towards the add-one unigram distribution u with α pseudo-counts. A token never seen as a
/// predecessor (a special token, a byte the corpus lacks) thus predicts the unigram distribution. Only exact
/// arithmetic (+, ×, ÷), so the values are the same bits on every machine.
/// </summary>
internal sealed class BigramDistribution
{
    private readonly BigramCounts _counts;
    private readonly double[] _unigram;
    private readonly double _priorStrength;

    public BigramDistribution(BigramCounts counts, double priorStrength)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(priorStrength);
        _counts = counts;
        _priorStrength = priorStrength;
        _unigram = new double[counts.VocabularySize];
        for (var s = 0; s < _unigram.Length; s++)
        {
            _unigram[s] = (counts.Occurrences[s] + 1.0) / (counts.TokenCount + counts.VocabularySize);
        }
    }

    public int VocabularySize => _counts.VocabularySize;

    public BigramCounts Counts => _counts;

    /// <summary>P(· | <paramref name="token"/>), summing to 1.</summary>
    public double[] Row(int token)
    {
        var total = _counts.RowTotal(token) + _priorStrength;
        var row = new double[VocabularySize];
        for (var s = 0; s < row.Length; s++)
        {
            row[s] = _priorStrength * _unigram[s] / total;
        }

        var successors = _counts.Successors[token];
        for (var i = 0; i < successors.Length; i++)
        {
            row[successors[i]] += _counts.Counts[token][i] / total;
        }

        return row;
    }

    /// <summary>The likeliest next token after <paramref name="token"/> (the smallest id among equals).</summary>
    public int ArgMax(int token)
    {
        var row = Row(token);
        var best = 0;
        for (var s = 1; s < row.Length; s++)
        {
            if (row[s] > row[best])
            {
                best = s;
            }
        }

        return best;
    }
}
