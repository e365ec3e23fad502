using LocalLlm.Engine.Backend;

namespace LocalLlm.Engine.Sampling;

/// <summary>
/// One request's sampler over raw logits, for backends without a native sampler. Stages follow llama.cpp's chain:
/// logit bias, penalties over the last accepted tokens, then greedy argmax, or top-k, top-p, min-p, temperature and
/// a seeded draw. Stages that would be no-ops for the given parameters are skipped.
/// </summary>
public sealed class LogitsSampler : ITokenSampler
{
    /// <summary>How many recent accepted tokens the penalties look at (llama.cpp's penalty_last_n default).</summary>
    public const int DefaultPenaltyLastN = 64;

    private readonly SamplingParams _sampling;
    private readonly LogitsReader _logits;
    private readonly int _vocabularySize;
    private readonly PenaltyHistory _history;
    private readonly Random _random;
    private float[]? _adjusted;
    private Candidates? _candidates;
    private readonly bool _penalised;

    /// <exception cref="NotSupportedException"><see cref="SamplingParams.Grammar"/> is set.</exception>
    public LogitsSampler(SamplingParams sampling, int vocabularySize, LogitsReader logits, int penaltyLastN = DefaultPenaltyLastN)
    {
        ArgumentNullException.ThrowIfNull(sampling);
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        if (sampling.Grammar is not null)
        {
            throw new NotSupportedException(
                "Grammar-constrained sampling (GBNF grammars, structured outputs and forced tool calls) needs the llama.cpp backend; this model's backend samples without grammars.");
        }

        foreach ((int token, _) in sampling.LogitBias)
        {
            if ((uint)token >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(sampling), token, "Logit bias names a token outside the vocabulary.");
            }
        }

        _sampling = sampling;
        _logits = logits;
        _vocabularySize = vocabularySize;
        _history = new PenaltyHistory(penaltyLastN);
        _penalised = penaltyLastN > 0
            && (sampling.RepetitionPenalty != 1f || sampling.FrequencyPenalty != 0f || sampling.PresencePenalty != 0f);

        // Random(int) is a fixed, documented-stable algorithm, so a seed reproduces the same draws across runs.
        _random = sampling.Seed is uint seed ? new Random(unchecked((int)seed)) : new Random();
    }

    public int Sample(int batchIndex)
    {
        int token = Choose(_logits(batchIndex));
        _history.Add(token);
        return token;
    }

    public void Accept(int token)
    {
        if ((uint)token >= (uint)_vocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, "Token is outside the vocabulary.");
        }

        _history.Add(token);
    }

    public void Dispose()
    {
    }

    /// <summary>Picks a token from <paramref name="logits"/> without accepting it.</summary>
    internal int Choose(ReadOnlySpan<float> logits)
    {
        if (logits.Length != _vocabularySize)
        {
            throw new ArgumentException($"Expected {_vocabularySize} logits, got {logits.Length}.", nameof(logits));
        }

        // Allocated at the first draw, so requests still waiting for a slot hold no vocabulary-sized buffers.
        _adjusted ??= new float[_vocabularySize];
        _candidates ??= new Candidates(_vocabularySize);
        logits.CopyTo(_adjusted);
        foreach ((int token, float bias) in _sampling.LogitBias)
        {
            _adjusted[token] += bias;
        }

        if (_penalised)
        {
            ApplyPenalties(_adjusted);
        }

        if (_sampling.IsGreedy)
        {
            return ArgMax(_adjusted);
        }

        _candidates.Reset(_adjusted);
        _candidates.TopK(_sampling.TopK);
        _candidates.TopP(_sampling.TopP);
        _candidates.MinP(_sampling.MinP);
        _candidates.Temperature(_sampling.Temperature);
        return _candidates.Draw(_random);
    }

    /// <summary>llama.cpp's penalties: the repetition penalty pushes a seen token's logit towards less likely
    /// (divides positive logits, multiplies negative ones), then frequency and presence subtract per count and once.</summary>
    private void ApplyPenalties(float[] adjusted)
    {
        foreach ((int token, int count) in _history.Counts)
        {
            ref float logit = ref adjusted[token];
            logit = logit <= 0 ? logit * _sampling.RepetitionPenalty : logit / _sampling.RepetitionPenalty;
            logit -= (count * _sampling.FrequencyPenalty) + _sampling.PresencePenalty;
        }
    }

    /// <summary>The first index of the largest value, as llama.cpp's greedy sampler chooses.</summary>
    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
