namespace LocalLlm.Engine.Sampling;

/// <summary>One token still in the running, with its (possibly transformed) logit.</summary>
internal readonly record struct Candidate(int Token, float Logit);

/// <summary>
/// The tokens a sampling chain narrows down, as llama.cpp's token data array: each stage keeps a prefix or rescales
/// logits. Once sorted (descending logit, ties by ascending token id) the order is kept by every later stage.
/// </summary>
internal sealed class Candidates
{
    private static readonly Comparison<Candidate> s_descending = static (a, b) =>
    {
        int byLogit = b.Logit.CompareTo(a.Logit);
        return byLogit != 0 ? byLogit : a.Token.CompareTo(b.Token);
    };

    private readonly Candidate[] _items;
    private bool _sorted;

    public Candidates(int vocabularySize) => _items = new Candidate[vocabularySize];

    public int Count { get; private set; }

    public ReadOnlySpan<Candidate> Items => _items.AsSpan(0, Count);

    public void Reset(ReadOnlySpan<float> logits)
    {
        for (int token = 0; token < logits.Length; token++)
        {
            _items[token] = new Candidate(token, logits[token]);
        }

        Count = logits.Length;
        _sorted = false;
    }

    /// <summary>Keeps the <paramref name="k"/> highest logits; k &lt;= 0 keeps everything.</summary>
    public void TopK(int k)
    {
        if (k <= 0)
        {
            return;
        }

        Sort();
        Count = Math.Min(k, Count);
    }

    /// <summary>Keeps the smallest prefix whose probability mass reaches <paramref name="p"/> (at least one token).</summary>
    public void TopP(float p)
    {
        if (p >= 1f)
        {
            return;
        }

        Sort();
        double total = SumExp(_items[0].Logit);
        double cumulative = 0;
        for (int i = 0; i < Count; i++)
        {
            cumulative += Math.Exp(_items[i].Logit - _items[0].Logit) / total;
            if (cumulative >= p)
            {
                Count = i + 1;
                return;
            }
        }
    }

    /// <summary>Keeps tokens whose probability is at least <paramref name="p"/> times the most likely one's.</summary>
    public void MinP(float p)
    {
        if (p <= 0f)
        {
            return;
        }

        float threshold = MaxLogit() + MathF.Log(p);
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            if (_items[i].Logit >= threshold)
            {
                _items[kept++] = _items[i];
            }
        }

        // The maximum always passes its own threshold, so at least one token stays; filtering keeps the order.
        Count = kept;
    }

    public void Temperature(float temperature)
    {
        for (int i = 0; i < Count; i++)
        {
            _items[i] = _items[i] with { Logit = _items[i].Logit / temperature };
        }
    }

    /// <summary>Draws a token with probability softmax(logit) among the remaining candidates.</summary>
    public int Draw(Random random)
    {
        float max = MaxLogit();
        double total = SumExp(max);
        double target = random.NextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < Count; i++)
        {
            cumulative += Math.Exp(_items[i].Logit - max);
            if (target < cumulative)
            {
                return _items[i].Token;
            }
        }

        // Rounding can leave target a hair above the last partial sum.
        return _items[Count - 1].Token;
    }

    private void Sort()
    {
        if (!_sorted)
        {
            _items.AsSpan(0, Count).Sort(s_descending);
            _sorted = true;
        }
    }

    private float MaxLogit()
    {
        if (_sorted)
        {
            return _items[0].Logit;
        }

        float max = float.NegativeInfinity;
        for (int i = 0; i < Count; i++)
        {
            max = Math.Max(max, _items[i].Logit);
        }

        return max;
    }

    private double SumExp(float max)
    {
        double sum = 0;
        for (int i = 0; i < Count; i++)
        {
            sum += Math.Exp(_items[i].Logit - max);
        }

        return sum;
    }
}
