namespace LocalLlm.ModelForge.Tokenization;

/// <summary>
/// Byte-level BPE training: repeatedly merge the most frequent adjacent pair of symbols over all chunk types,
/// weighted by chunk frequency. Ties go to the pair with the smaller left id, then the smaller right id, which makes
/// the result independent of enumeration order. Pair counts are maintained incrementally, so each merge only
/// touches the chunks that contain the pair.
/// </summary>
internal static class BpeTrainer
{
    /// <summary>
    /// Learns merges until <paramref name="newTokens"/> new token texts exist. <paramref name="tokens"/> holds the
    /// existing vocabulary (the byte tokens) and receives the new token texts in creation order. A merge whose
    /// result text already exists (reached by another split) is still recorded, as it is needed to reach that text
    /// from this split, but does not add a token.
    /// </summary>
    public static List<(int Left, int Right)> Train(IEnumerable<KeyValuePair<int[], long>> chunks, List<string> tokens, int newTokens)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            ids.Add(tokens[i], i);
        }

        var words = new List<int[]>();
        var counts = new List<long>();
        var pairCounts = new Dictionary<long, long>();
        var pairWords = new Dictionary<long, HashSet<int>>();
        foreach (var (symbols, count) in chunks)
        {
            var index = words.Count;
            words.Add(symbols);
            counts.Add(count);
            for (var i = 0; i + 1 < symbols.Length; i++)
            {
                var key = Key(symbols[i], symbols[i + 1]);
                pairCounts[key] = pairCounts.GetValueOrDefault(key) + count;
                Where(pairWords, key).Add(index);
            }
        }

        var queue = new PriorityQueue<long, (long NegativeCount, int Left, int Right)>();
        foreach (var (key, count) in pairCounts)
        {
            queue.Enqueue(key, (-count, Left(key), Right(key)));
        }

        var merges = new List<(int Left, int Right)>();
        var added = 0;
        var delta = new Dictionary<long, long>();
        while (added < newTokens)
        {
            if (!queue.TryDequeue(out var pair, out var priority))
            {
                throw new InvalidOperationException($"The corpus ran out of pairs after {added} of {newTokens} new tokens.");
            }

            // Entries go stale when a count drops; re-queue with the true count. Increases were queued when they happened.
            var current = pairCounts.GetValueOrDefault(pair);
            if (current != -priority.NegativeCount)
            {
                if (current > 0 && current < -priority.NegativeCount)
                {
                    queue.Enqueue(pair, (-current, priority.Left, priority.Right));
                }

                continue;
            }

            var (left, right) = (Left(pair), Right(pair));
            var text = tokens[left] + tokens[right];
            if (!ids.TryGetValue(text, out var merged))
            {
                merged = tokens.Count;
                tokens.Add(text);
                ids.Add(text, merged);
                added++;
            }

            merges.Add((left, right));
            delta.Clear();
            foreach (var index in pairWords[pair])
            {
                var before = words[index];
                var after = Apply(before, left, right, merged);
                if (after.Length == before.Length)
                {
                    continue;
                }

                Count(delta, before, -counts[index]);
                Count(delta, after, counts[index]);
                for (var i = 0; i + 1 < after.Length; i++)
                {
                    if (after[i] == merged || after[i + 1] == merged)
                    {
                        Where(pairWords, Key(after[i], after[i + 1])).Add(index);
                    }
                }

                words[index] = after;
            }

            pairWords.Remove(pair);
            foreach (var (key, change) in delta)
            {
                var count = pairCounts.GetValueOrDefault(key) + change;
                if (count <= 0)
                {
                    pairCounts.Remove(key);
                    continue;
                }

                pairCounts[key] = count;
                if (change > 0)
                {
                    queue.Enqueue(key, (-count, Left(key), Right(key)));
                }
            }
        }

        return merges;
    }

    /// <summary>Replaces non-overlapping occurrences of (left, right), scanning left to right, as the encoder does.</summary>
    internal static int[] Apply(int[] symbols, int left, int right, int merged)
    {
        var result = new List<int>(symbols.Length);
        for (var i = 0; i < symbols.Length; i++)
        {
            if (i + 1 < symbols.Length && symbols[i] == left && symbols[i + 1] == right)
            {
                result.Add(merged);
                i++;
            }
            else
            {
                result.Add(symbols[i]);
            }
        }

        return [.. result];
    }

    private static void Count(Dictionary<long, long> delta, int[] symbols, long weight)
    {
        for (var i = 0; i + 1 < symbols.Length; i++)
        {
            var key = Key(symbols[i], symbols[i + 1]);
            delta[key] = delta.GetValueOrDefault(key) + weight;
        }
    }

    private static HashSet<int> Where(Dictionary<long, HashSet<int>> pairWords, long key)
    {
        if (!pairWords.TryGetValue(key, out var set))
        {
            set = [];
            pairWords.Add(key, set);
        }

        return set;
    }

    private static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    private static int Left(long key) => (int)(key >> 32);

    private static int Right(long key) => (int)(key & 0xFFFFFFFF);
}
