using System.Text;
using System.Text.RegularExpressions;
using LocalLlm.Engine.Backend;
using Microsoft.ML.Tokenizers;

namespace LocalLlm.Backends.Onnx;

/// <summary>
/// Byte-level BPE <see cref="ITokenizer"/> built from a model folder's tokenizer.json: added tokens are cut out
/// first, the rest is split by the pre-tokenizer's patterns and each chunk merged by Microsoft.ML.Tokenizers' BPE.
/// Immutable after construction, so safe to use from any thread.
/// </summary>
internal sealed class OnnxTokenizer : ITokenizer
{
    /// <summary>Texts llama.cpp also treats as ending a turn when they are control tokens.</summary>
    private static readonly HashSet<string> s_endOfTurnTexts = new(StringComparer.Ordinal)
    {
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "<|end_of_text|>",
    };

    private readonly BpeTokenizer _bpe;
    private readonly TokenizerJson _definition;
    private readonly SpecialTokenSplitter _splitter;
    private readonly byte[][] _pieces;
    private readonly byte[][] _specialPieces;
    private readonly bool[] _endOfGeneration;
    private readonly bool _addBos;
    private readonly int _eosToken;
    private readonly bool _addEos;

    public OnnxTokenizer(TokenizerJson definition, TokenizerConfig config, GenaiConfig genai)
    {
        _definition = definition;
        _bpe = BpeTokenizer.Create(new BpeOptions(definition.Vocabulary) { Merges = definition.Merges, ByteLevel = true });
        _splitter = new SpecialTokenSplitter(definition.AddedTokens);

        int maxId = Math.Max(definition.Vocabulary.Values.DefaultIfEmpty(-1).Max(), definition.AddedTokens.Select(t => t.Id).DefaultIfEmpty(-1).Max());
        VocabularySize = Math.Max(maxId + 1, genai.VocabularySize);
        _pieces = new byte[VocabularySize][];
        _specialPieces = new byte[VocabularySize][];
        Array.Fill(_pieces, []);
        Array.Fill(_specialPieces, []);
        foreach ((string text, int id) in definition.Vocabulary)
        {
            _pieces[id] = _specialPieces[id] = ByteLevelAlphabet.Unmap(text) ?? Encoding.UTF8.GetBytes(text);
        }

        foreach (AddedToken token in definition.AddedTokens)
        {
            byte[] text = Encoding.UTF8.GetBytes(token.Content);
            _specialPieces[token.Id] = text;
            _pieces[token.Id] = token.Special ? [] : text;
        }

        BosToken = genai.BosTokenId ?? IdOf(config.BosToken) ?? -1;
        _addBos = (config.AddBosToken ?? definition.PostProcessorBos is not null) && BosToken >= 0;
        _eosToken = IdOf(config.EosToken) ?? genai.EosTokenIds[0];
        _addEos = config.AddEosToken;
        _endOfGeneration = new bool[VocabularySize];
        foreach (int eos in genai.EosTokenIds.Append(_eosToken))
        {
            if ((uint)eos < (uint)VocabularySize)
            {
                _endOfGeneration[eos] = true;
            }
        }

        foreach (AddedToken token in definition.AddedTokens.Where(t => t.Special && s_endOfTurnTexts.Contains(t.Content)))
        {
            _endOfGeneration[token.Id] = true;
        }
    }

    public int BosToken { get; }

    /// <summary>The EOS token tokenizer_config.json names (or the first of genai_config.json's), -1 when none.</summary>
    public int EosToken => _eosToken;

    /// <summary>Whether Tokenize with addSpecial puts BOS first.</summary>
    public bool AddsBos => _addBos;

    public int VocabularySize { get; }

    public int[] Tokenize(string text, bool addSpecial, bool parseSpecial)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<int>(text.Length / 3 + 2);
        if (addSpecial && _addBos)
        {
            tokens.Add(BosToken);
        }

        foreach ((string? raw, int token) in _splitter.Split(text, parseSpecial))
        {
            if (raw is null)
            {
                tokens.Add(token);
            }
            else
            {
                EncodeText(raw, tokens);
            }
        }

        if (addSpecial && _addEos && _eosToken >= 0)
        {
            tokens.Add(_eosToken);
        }

        return [.. tokens];
    }

    public ReadOnlySpan<byte> TokenBytes(int token, bool renderSpecial = false)
    {
        if ((uint)token >= (uint)VocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token is outside the vocabulary [0, {VocabularySize}).");
        }

        return renderSpecial ? _specialPieces[token] : _pieces[token];
    }

    public bool IsEndOfGeneration(int token) => (uint)token < (uint)_endOfGeneration.Length && _endOfGeneration[token];

    private void EncodeText(string text, List<int> tokens)
    {
        if (_definition.AddPrefixSpace && !text.StartsWith(' '))
        {
            text = " " + text;
        }

        foreach (string chunk in PreTokenize(text))
        {
            if (_definition.IgnoreMerges && _definition.Vocabulary.TryGetValue(ByteLevelAlphabet.Map(Encoding.UTF8.GetBytes(chunk)), out int whole))
            {
                tokens.Add(whole);
                continue;
            }

            tokens.AddRange(_bpe.EncodeToIds(chunk, considerPreTokenization: false, considerNormalization: false));
        }
    }

    /// <summary>Each split pattern cuts every chunk into its matches and the text between them (HF's Isolated behaviour).</summary>
    private List<string> PreTokenize(string text)
    {
        var chunks = new List<string> { text };
        foreach (Regex split in _definition.Splits)
        {
            var next = new List<string>(chunks.Count * 4);
            foreach (string chunk in chunks)
            {
                int end = 0;
                foreach (ValueMatch match in split.EnumerateMatches(chunk))
                {
                    if (match.Length == 0)
                    {
                        continue;
                    }

                    if (match.Index > end)
                    {
                        next.Add(chunk[end..match.Index]);
                    }

                    next.Add(chunk.Substring(match.Index, match.Length));
                    end = match.Index + match.Length;
                }

                if (end < chunk.Length)
                {
                    next.Add(chunk[end..]);
                }
            }

            chunks = next;
        }

        return chunks;
    }

    private int? IdOf(string? text)
    {
        if (text is null)
        {
            return null;
        }

        AddedToken? added = _definition.AddedTokens.Find(t => t.Content == text);
        return added?.Id ?? (_definition.Vocabulary.TryGetValue(text, out int id) ? id : null);
    }
}
