using LocalLlm.Backends.LlamaCpp.Native;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.LlamaCpp;

/// <summary>
/// One request's llama.cpp sampler chain. Used only by the engine loop, like its backend.
/// Chain order: [logit bias], [penalties], [grammar] then either greedy, or top_k, top_p, min_p, temp and dist;
/// stages that would be no-ops for the given parameters are left out.
/// </summary>
internal sealed class LlamaTokenSampler : ITokenSampler
{
    /// <summary>LLAMA_DEFAULT_SEED: llama.cpp draws a random seed.</summary>
    private const uint RandomSeed = 0xFFFFFFFF;

    /// <summary>OpenAI's lowest logit_bias, documented to ban the token.</summary>
    private const float BanningBias = -100f;

    private readonly LlamaCppBackend _backend;
    private readonly SafeLlamaSamplerHandle _chain;

    private LlamaTokenSampler(LlamaCppBackend backend, SafeLlamaSamplerHandle chain)
    {
        _backend = backend;
        _chain = chain;
    }

    /// <summary>The stages in the chain, for diagnostics and tests.</summary>
    public int StageCount => LlamaNative.llama_sampler_chain_n(_chain);

    public static LlamaTokenSampler Create(LlamaCppBackend backend, SamplingParams sampling, int penaltyLastN, IReadOnlyList<LlamaLogitBias>? logitBias = null)
    {
        ArgumentNullException.ThrowIfNull(sampling);
        var chain = SafeLlamaSamplerHandle.CreateChain();
        try
        {
            var vocabularySize = backend.Info.VocabularySize;
            var biases = Biases(sampling.LogitBias, logitBias, vocabularySize);
            if (biases.Length > 0)
            {
                // First, so every later stage (penalties, grammar, top-k, greedy) sees the biased logits.
                chain.AddToChain(CreateLogitBias(vocabularySize, biases));
            }

            var penalised = sampling.RepetitionPenalty != 1f || sampling.FrequencyPenalty != 0f || sampling.PresencePenalty != 0f;
            if (penalised && penaltyLastN > 0)
            {
                chain.AddToChain(Checked(LlamaNative.llama_sampler_init_penalties(
                    vocabularySize, penaltyLastN, sampling.RepetitionPenalty, sampling.FrequencyPenalty, sampling.PresencePenalty)));
            }

            // Before the choosing stage, so only tokens the grammar allows can be drawn; llama_sampler_sample accepts the
            // drawn token into every stage, which advances the grammar. Prompt tokens are never accepted, and a
            // preempted request keeps its sampler, so the grammar state always matches the generated text.
            if (sampling.Grammar is { } grammar)
            {
                chain.AddToChain(CreateGrammar(backend, grammar));
            }

            if (sampling.IsGreedy)
            {
                chain.AddToChain(Checked(LlamaNative.llama_sampler_init_greedy()));
            }
            else
            {
                if (sampling.TopK > 0)
                {
                    chain.AddToChain(Checked(LlamaNative.llama_sampler_init_top_k(sampling.TopK)));
                }

                if (sampling.TopP < 1f)
                {
                    chain.AddToChain(Checked(LlamaNative.llama_sampler_init_top_p(sampling.TopP, 1)));
                }

                if (sampling.MinP > 0f)
                {
                    chain.AddToChain(Checked(LlamaNative.llama_sampler_init_min_p(sampling.MinP, 1)));
                }

                chain.AddToChain(Checked(LlamaNative.llama_sampler_init_temp(sampling.Temperature)));
                chain.AddToChain(Checked(LlamaNative.llama_sampler_init_dist(sampling.Seed ?? RandomSeed)));
            }

            return new LlamaTokenSampler(backend, chain);
        }
        catch
        {
            chain.Dispose();
            throw;
        }
    }

    public int Sample(int batchIndex)
    {
        _backend.ThrowIfNoLogits(batchIndex);
        return LlamaNative.llama_sampler_sample(_chain, _backend.Context, batchIndex).Value;
    }

    public void Accept(int token)
    {
        if ((uint)token >= (uint)_backend.Info.VocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, "Token is outside the vocabulary.");
        }

        LlamaNative.llama_sampler_accept(_chain, new LlamaToken(token));
    }

    public void Dispose() => _chain.Dispose();

    /// <summary>Parses <paramref name="grammar"/> as the sampler would, so callers can reject a bad one before generating.</summary>
    /// <exception cref="LlamaException">The grammar does not parse; the message carries llama.cpp's reason.</exception>
    public static void ValidateGrammar(LlamaCppBackend backend, string grammar) => CreateGrammar(backend, grammar).Dispose();

    private static SafeLlamaSamplerHandle CreateGrammar(LlamaCppBackend backend, string grammar)
    {
        LlamaLog.ClearLastError();
        SafeLlamaSamplerHandle sampler = LlamaNative.llama_sampler_init_grammar(LlamaNative.llama_model_get_vocab(backend.Model), grammar, "root");
        if (sampler.IsInvalid)
        {
            sampler.Dispose();
            throw new LlamaException($"Invalid GBNF grammar{LlamaLog.DescribeLastError()}");
        }

        return sampler;
    }

    /// <summary>
    /// The request's biases (OpenAI's logit_bias) and the caller's, in llama.cpp's form. A bias of -100 or below bans the
    /// token outright (-infinity), as OpenAI documents it: a finite -100 would not outweigh every logit of every model.
    /// </summary>
    private static LlamaLogitBias[] Biases(IReadOnlyList<KeyValuePair<int, float>> requested, IReadOnlyList<LlamaLogitBias>? extra, int vocabularySize)
    {
        var entries = new List<LlamaLogitBias>(requested.Count + (extra?.Count ?? 0));
        foreach (var (token, bias) in requested)
        {
            if ((uint)token >= (uint)vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(requested), token, "Logit bias names a token outside the vocabulary.");
            }

            entries.Add(new LlamaLogitBias { Token = new LlamaToken(token), Bias = bias <= BanningBias ? float.NegativeInfinity : bias });
        }

        if (extra is not null)
        {
            entries.AddRange(extra);
        }

        return entries.ToArray();
    }

    private static unsafe SafeLlamaSamplerHandle CreateLogitBias(int vocabularySize, LlamaLogitBias[] entries)
    {
        // llama.cpp copies the entries, so a temporary array suffices.
        fixed (LlamaLogitBias* ptr = entries)
        {
            return Checked(LlamaNative.llama_sampler_init_logit_bias(vocabularySize, entries.Length, ptr));
        }
    }

    private static SafeLlamaSamplerHandle Checked(SafeLlamaSamplerHandle sampler)
        => SafeLlamaSamplerHandle.ThrowIfInvalid(sampler, "sampler");
}
