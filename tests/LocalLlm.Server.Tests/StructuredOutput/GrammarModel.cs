using System.Text;
using LocalLlm.Backends.LlamaCpp;
using LocalLlm.Engine.Backend;
using LocalLlm.ModelForge;

namespace LocalLlm.Server.Tests.StructuredOutput;

/// <summary>
/// The tiny forge model on the llama.cpp backend, used to run grammars through llama.cpp's own grammar sampler: to
/// generate under a grammar, and to ask whether a grammar admits a given document. One backend serves every test in a
/// class; calls are serialised because a backend serves one caller at a time.
/// </summary>
public sealed class GrammarModel : IDisposable
{
    /// <summary>Far above any logit of the random-weight model, so a biased token wins whenever the grammar allows it.</summary>
    private const float Force = 1000f;

    private readonly LlamaCppBackend _backend;
    private readonly Lock _gate = new();
    private readonly int _endToken;
    private readonly Dictionary<int, float> _partialCharacters;

    public GrammarModel()
    {
        _backend = LlamaCppBackend.Load(new LlamaCppOptions
        {
            ModelPath = ForgeCache.GetOrCreate(TinyModelSpec.Test),
            ContextSize = 1024,
            MaxSequences = 1,
            BatchSize = 256,
            Threads = 1,
        });
        _endToken = Enumerable.Range(0, _backend.Info.VocabularySize).First(_backend.Tokenizer.IsEndOfGeneration);
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        _partialCharacters = Enumerable.Range(0, _backend.Info.VocabularySize)
            .Where(t => !_backend.Tokenizer.IsEndOfGeneration(t) && !IsWholeCharacters(strict, _backend.Tokenizer.TokenBytes(t)))
            .ToDictionary(t => t, _ => float.NegativeInfinity);
    }

    /// <summary>Tokens whose bytes are not whole UTF-8 characters (byte tokens of multi-byte characters, or bytes never valid).</summary>
    public int PartialCharacterTokens => _partialCharacters.Count;

    private static bool IsWholeCharacters(UTF8Encoding strict, ReadOnlySpan<byte> bytes)
    {
        try
        {
            strict.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    public void Dispose() => _backend.Dispose();

    /// <summary>Parses the grammar as the server's validation does; throws when llama.cpp rejects it.</summary>
    public void Validate(string grammar)
    {
        lock (_gate)
        {
            _backend.CreateSampler(SamplingParams.Greedy with { Grammar = grammar }).Dispose();
        }
    }

    /// <summary>
    /// Whether the grammar admits exactly <paramref name="document"/>: each of its tokens in turn is pushed with a huge
    /// logit bias and must survive the grammar stage, and then end of generation must be allowed.
    /// </summary>
    public bool Accepts(string grammar, string document)
    {
        lock (_gate)
        {
            int[] tokens = _backend.Tokenizer.Tokenize(document, addSpecial: false, parseSpecial: false);
            int logits = DecodePrompt().Length - 1;
            for (int step = 0; step <= tokens.Length; step++)
            {
                int target = step < tokens.Length ? tokens[step] : _endToken;
                using ITokenSampler sampler = _backend.CreateSampler(SamplingParams.Greedy with { Grammar = grammar }, new Dictionary<int, float> { [target] = Force });
                foreach (int accepted in tokens.AsSpan(0, step))
                {
                    sampler.Accept(accepted);
                }

                int drawn = sampler.Sample(logits);
                bool allowed = step < tokens.Length ? drawn == target : _backend.Tokenizer.IsEndOfGeneration(drawn);
                if (!allowed)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Samples under the grammar until end of generation or <paramref name="maxTokens"/> tokens. Tokens holding part of
    /// a character are banned: llama.cpp's grammar decodes UTF-8 leniently (an overlong <c>C1 81</c> passes as <c>A</c>),
    /// so byte tokens let a random-weight model write ill-formed UTF-8 that no grammar can rule out; the property under
    /// test is the grammar's, over characters.
    /// </summary>
    public string Generate(string grammar, float temperature, uint seed, int maxTokens = 200)
    {
        lock (_gate)
        {
            var tokens = DecodePrompt().ToList();
            using ITokenSampler sampler = _backend.CreateSampler(new SamplingParams { Temperature = temperature, Seed = seed, Grammar = grammar }, _partialCharacters);
            var bytes = new List<byte>();
            int index = tokens.Count - 1;
            for (int i = 0; i < maxTokens; i++)
            {
                int token = sampler.Sample(index);
                if (_backend.Tokenizer.IsEndOfGeneration(token))
                {
                    break;
                }

                bytes.AddRange(_backend.Tokenizer.TokenBytes(token));
                Check(_backend.Decode([new BatchToken(token, tokens.Count, 0, true)]));
                tokens.Add(token);
                index = 0;
            }

            return Encoding.UTF8.GetString([.. bytes]);
        }
    }

    /// <summary>Clears the cache and decodes a short prompt, leaving its last token's logits at batch index <c>count - 1</c>.</summary>
    private int[] DecodePrompt()
    {
        _backend.ClearMemory();
        int[] prompt = _backend.Tokenizer.Tokenize("Answer in JSON:", addSpecial: true, parseSpecial: false);
        var batch = prompt.Select((t, i) => new BatchToken(t, i, 0, i == prompt.Length - 1)).ToArray();
        Check(_backend.Decode(batch));
        return prompt;
    }

    private static void Check(DecodeStatus status)
    {
        if (status != DecodeStatus.Ok)
        {
            throw new InvalidOperationException($"Decode failed: {status}");
        }
    }
}
