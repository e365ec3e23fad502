namespace LocalLlm.ModelForge.Fitting;

/// <summary>
/// How often each token follows each other token in a token stream, stored per predecessor as successors in
/// ascending id order (a sparse row), plus each token's own occurrence count.
/// </summary>
internal sealed class BigramCounts
{
    private BigramCounts(int vocabularySize, int[][] successors, int[][] counts, long[] occurrences, long tokenCount)
    {
        VocabularySize = vocabularySize;
        Successors = successors;
        Counts = counts;
        Occurrences = occurrences;
        TokenCount = tokenCount;
    }

    public int VocabularySize { get; }

    /// <summary>For predecessor t, the distinct tokens seen right after it, ascending.</summary>
    public IReadOnlyList<int[]> Successors { get; }

    /// <summary>For predecessor t, how often each of <see cref="Successors"/>[t] followed it.</summary>
    public IReadOnlyList<int[]> Counts { get; }

    /// <summary>How often each token occurs anywhere in the stream.</summary>
    public IReadOnlyList<long> Occurrences { get; }

    public long TokenCount { get; }

    /// <summary>How often <paramref name="token"/> is followed by anything (its row total).</summary>
    public long RowTotal(int token) => Counts[token].Sum(c => (long)c);

    public static BigramCounts Count(IReadOnlyList<int> tokens, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        var rows = new SortedDictionary<int, int>[vocabularySize];
        var occurrences = new long[vocabularySize];
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if ((uint)token >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), token, $"Token id outside a vocabulary of {vocabularySize}.");
            }

            occurrences[token]++;
            if (i > 0)
            {
                var row = rows[tokens[i - 1]] ??= [];
                row[token] = row.GetValueOrDefault(token) + 1;
            }
        }

        var successors = new int[vocabularySize][];
        var counts = new int[vocabularySize][];
        for (var t = 0; t < vocabularySize; t++)
        {
            successors[t] = rows[t] is { } row ? [.. row.Keys] : [];
            counts[t] = rows[t] is { } same ? [.. same.Values] : [];
        }

        return new BigramCounts(vocabularySize, successors, counts, occurrences, tokens.Count);
    }
}
