namespace LocalLlm.ModelForge;

/// <summary>
/// One tensor of a forged model. <see cref="Shape"/> is in ggml order (<c>{in, out}</c> for a weight matrix).
/// A matrix is filled with random values of standard deviation <see cref="Scale"/>; a norm vector
/// (<see cref="IsNorm"/>) is filled with the constant <see cref="Scale"/>.
/// </summary>
internal sealed record TensorPlan(string Name, long[] Shape, float Scale, bool IsNorm)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));
}

/// <summary>
/// The tensors llama.cpp loads for LLM_ARCH_QWEN3 and LLM_ARCH_LLAMA, with initialisation scales chosen so that a
/// random model stays numerically tame and greedy decoding wanders instead of looping:
/// <list type="bullet">
/// <item>Matrices have std 1/sqrt(fan-in), so every projection of a unit-RMS input is about unit RMS.</item>
/// <item>Embeddings are small (std 0.5/sqrt(d)) next to the residual branches. With tied embeddings the logit of
/// the current token contains its own squared norm; keeping embeddings small makes that self-preference
/// negligible, which otherwise makes greedy decoding repeat one token.</item>
/// <item>Attention logits get a gain of 4 (Qwen3's query-norm weight, or the query matrix for Llama). Unsharpened
/// attention averages the whole context into a near-constant vector and the prediction collapses onto one token.</item>
/// <item>The feed-forward output gets a gain of 2, so the current token's own transformation weighs more.</item>
/// <item>The final norm has gain 4, restoring a logit spread of about 2 that the small embeddings would lack.</item>
/// </list>
/// Measured on the presets with llama.cpp: no NaNs, and 200 greedy tokens contain well over a hundred distinct ones.
/// Corpus-fitted specs (<see cref="ForgeWeights.CorpusBigram"/>) keep these scales and streams but damp the residual
/// branches (<see cref="FittedResidualBranchGain"/>); their embeddings and output head come from the fit.
/// </summary>
internal static class ModelLayout
{
    private const float EmbeddingGain = 0.5f;
    private const float QueryGain = 4f;
    private const float FeedForwardOutputGain = 2f;
    private const float OutputNormGain = 4f;

    /// <summary>
    /// Gain on the residual branches' output matrices (<c>attn_output</c>, <c>ffn_down</c>) of corpus-fitted specs,
    /// so the residual stream stays dominated by the current token's fitted embedding while attention and the
    /// feed-forward layers still move the logits by context. Measured with llama.cpp on the fitted test presets, the
    /// share of greedy tokens that are the corpus bigram argmax of the token before is 90-91 % at 0.125 and at 0.25,
    /// 72 % (Qwen3) and 91 % (Llama) at 0.5, 27-40 % at 1: 0.25 is the largest of these gains that leaves the fitted
    /// predictions intact. It shapes fitted files' bits: bump <see cref="Fitting.FittedWeights.Version"/> with it.
    /// </summary>
    internal const float FittedResidualBranchGain = 0.25f;

    public static IReadOnlyList<TensorPlan> For(TinyModelSpec spec)
    {
        long d = spec.EmbeddingLength;
        long q = (long)spec.HeadCount * spec.HeadDim;
        long kv = (long)spec.HeadCountKv * spec.HeadDim;
        long ff = spec.FeedForwardLength;
        long vocab = spec.VocabularySize;
        var qwen3 = spec.Architecture == TinyModelSpec.Qwen3;
        var embeddingStd = EmbeddingGain * InverseSqrt(d);
        var branchGain = spec.Weights == ForgeWeights.CorpusBigram ? FittedResidualBranchGain : 1f;

        var plan = new List<TensorPlan> { Matrix("token_embd.weight", d, vocab, embeddingStd) };
        for (var i = 0; i < spec.BlockCount; i++)
        {
            var p = $"blk.{i}.";
            plan.Add(Norm(p + "attn_norm.weight", d));

            // Qwen3 normalises each query head, so a gain on the query matrix would be normalised away.
            plan.Add(Matrix(p + "attn_q.weight", d, q, InverseSqrt(d) * (qwen3 ? 1f : QueryGain)));
            plan.Add(Matrix(p + "attn_k.weight", d, kv, InverseSqrt(d)));
            plan.Add(Matrix(p + "attn_v.weight", d, kv, InverseSqrt(d)));
            if (qwen3)
            {
                plan.Add(Norm(p + "attn_q_norm.weight", spec.HeadDim, QueryGain));
                plan.Add(Norm(p + "attn_k_norm.weight", spec.HeadDim));
            }

            plan.Add(Matrix(p + "attn_output.weight", q, d, InverseSqrt(q) * branchGain));
            plan.Add(Norm(p + "ffn_norm.weight", d));
            plan.Add(Matrix(p + "ffn_gate.weight", d, ff, InverseSqrt(d)));
            plan.Add(Matrix(p + "ffn_up.weight", d, ff, InverseSqrt(d)));
            plan.Add(Matrix(p + "ffn_down.weight", ff, d, InverseSqrt(ff) * FeedForwardOutputGain * branchGain));
        }

        plan.Add(Norm("output_norm.weight", d, OutputNormGain));
        if (!spec.TiedEmbeddings)
        {
            plan.Add(Matrix("output.weight", d, vocab, embeddingStd));
        }

        return plan;
    }

    private static TensorPlan Matrix(string name, long inputs, long outputs, float std) => new(name, [inputs, outputs], std, IsNorm: false);

    private static TensorPlan Norm(string name, long length, float gain = 1f) => new(name, [length], gain, IsNorm: true);

    private static float InverseSqrt(long n) => 1f / MathF.Sqrt(n);
}
