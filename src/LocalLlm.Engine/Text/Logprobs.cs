using LocalLlm.Engine.Requests;

namespace LocalLlm.Engine.Text;

/// <summary>Log-softmax of one row of logits, for the chosen token and the k most likely ones.</summary>
internal static class Logprobs
{
    public static TokenLogprob Compute(ReadOnlySpan<float> logits, int chosen, int top)
    {
        float max = float.NegativeInfinity;
        foreach (float logit in logits)
        {
            max = Math.Max(max, logit);
        }

        double sum = 0;
        foreach (float logit in logits)
        {
            sum += Math.Exp(logit - max);
        }

        float logNormalizer = max + (float)Math.Log(sum);
        var best = new List<(int Token, float Logprob)>(top + 1);
        if (top > 0)
        {
            for (int token = 0; token < logits.Length; token++)
            {
                float logit = logits[token];
                if (best.Count == top && logit <= best[^1].Logprob)
                {
                    continue;
                }

                int at = best.Count;
                while (at > 0 && best[at - 1].Logprob < logit)
                {
                    at--;
                }

                best.Insert(at, (token, logit));
                if (best.Count > top)
                {
                    best.RemoveAt(best.Count - 1);
                }
            }
        }

        for (int i = 0; i < best.Count; i++)
        {
            best[i] = (best[i].Token, best[i].Logprob - logNormalizer);
        }

        return new TokenLogprob(chosen, logits[chosen] - logNormalizer, best);
    }
}
