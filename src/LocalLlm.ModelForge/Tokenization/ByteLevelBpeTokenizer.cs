using System.Text;

namespace LocalLlm.ModelForge.Tokenization;

/// <summary>
/// An encoder and decoder for a <see cref="ByteLevelBpeVocabulary"/> with llama.cpp's semantics: special tokens are
/// split out first (longest text first; control tokens only when special parsing is on, user-defined tokens always),
/// the rest is pre-tokenized into chunks, and each chunk is merged by repeatedly taking the lowest-ranked adjacent
/// pair, leftmost first. With the <c>llama-bpe</c> pre-tokenizer a chunk that is itself a token is taken whole.
/// </summary>
internal sealed class ByteLevelBpeTokenizer
{
    private readonly ByteLevelBpeVocabulary _vocabulary;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Left, int Right), (int Rank, int Merged)> _ranks = [];
    private readonly (string Text, int Id, TokenType Type)[] _specialsLongestFirst;
    private readonly int[] _byteIds = new int[256];

    public ByteLevelBpeTokenizer(ByteLevelBpeVocabulary vocabulary)
    {
        _vocabulary = vocabulary;
        for (var i = 0; i < vocabulary.Count; i++)
        {
            if (vocabulary.TokenTypes[i] == TokenType.Normal)
            {
                _ids.Add(vocabulary.Tokens[i], i);
            }
        }

        for (var b = 0; b < 256; b++)
        {
            _byteIds[b] = _ids[ByteLevelMapping.Map((byte)b).ToString()];
        }

        for (var rank = 0; rank < vocabulary.Merges.Count; rank++)
        {
            var parts = vocabulary.Merges[rank].Split(' ');
            var pair = (_ids[parts[0]], _ids[parts[1]]);
            _ranks.TryAdd(pair, (rank, _ids[parts[0] + parts[1]]));
        }

        _specialsLongestFirst = [.. vocabulary.Special
            .Select(kv => (Text: kv.Key, Id: kv.Value, Type: vocabulary.TokenTypes[kv.Value]))
            .OrderByDescending(s => s.Text.Length)
            .ThenBy(s => s.Id)];
    }

    public IReadOnlyList<int> Encode(string text, bool addSpecial = false, bool parseSpecial = false)
    {
        var output = new List<int>();
        if (addSpecial && _vocabulary.AddBos)
        {
            output.Add(_vocabulary.BosId);
        }

        foreach (var (fragment, specialId) in Partition(text, parseSpecial))
        {
            if (specialId >= 0)
            {
                output.Add(specialId);
                continue;
            }

            foreach (var chunk in PreTokenizer.Split(_vocabulary.PreTokenizer, fragment))
            {
                EncodeChunk(chunk, output);
            }
        }

        return output;
    }

    /// <summary>Concatenates token pieces; control tokens appear only when <paramref name="renderSpecial"/> is set.</summary>
    public string Decode(IEnumerable<int> ids, bool renderSpecial = false) => Encoding.UTF8.GetString(DecodeBytes(ids, renderSpecial));

    /// <summary>The raw bytes of the token pieces, which need not be valid UTF-8 when a character spans tokens.</summary>
    public byte[] DecodeBytes(IEnumerable<int> ids, bool renderSpecial = false)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            var text = _vocabulary.Tokens[id];
            switch (_vocabulary.TokenTypes[id])
            {
                case TokenType.Normal:
                    bytes.AddRange(ByteLevelMapping.Decode(text));
                    break;
                case TokenType.Control when !renderSpecial:
                    break;
                default:
                    bytes.AddRange(Encoding.UTF8.GetBytes(text));
                    break;
            }
        }

        return [.. bytes];
    }

    private void EncodeChunk(string chunk, List<int> output)
    {
        var mapped = ByteLevelMapping.Encode(chunk);
        if (_vocabulary.PreTokenizer == PreTokenizerKind.Llama3 && _ids.TryGetValue(mapped, out var whole))
        {
            output.Add(whole);
            return;
        }

        var symbols = new List<int>(Encoding.UTF8.GetByteCount(chunk));
        foreach (var b in Encoding.UTF8.GetBytes(chunk))
        {
            symbols.Add(_byteIds[b]);
        }

        while (symbols.Count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            var bestMerged = 0;
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out var merge) && merge.Rank < bestRank)
                {
                    (best, bestRank, bestMerged) = (i, merge.Rank, merge.Merged);
                }
            }

            if (best < 0)
            {
                break;
            }

            symbols[best] = bestMerged;
            symbols.RemoveAt(best + 1);
        }

        output.AddRange(symbols);
    }

    private List<(string Text, int SpecialId)> Partition(string text, bool parseSpecial)
    {
        var fragments = new List<(string Text, int SpecialId)> { (text, -1) };
        foreach (var (special, id, type) in _specialsLongestFirst)
        {
            if (!parseSpecial && type == TokenType.Control)
            {
                continue;
            }

            var next = new List<(string Text, int SpecialId)>(fragments.Count);
            foreach (var fragment in fragments)
            {
                if (fragment.SpecialId >= 0)
                {
                    next.Add(fragment);
                    continue;
                }

                var rest = fragment.Text;
                int index;
                while ((index = rest.IndexOf(special, StringComparison.Ordinal)) >= 0)
                {
                    if (index > 0)
                    {
                        next.Add((rest[..index], -1));
                    }

                    next.Add((special, id));
                    rest = rest[(index + special.Length)..];
                }

                if (rest.Length > 0)
                {
                    next.Add((rest, -1));
                }
            }

            fragments = next;
        }

        return fragments;
    }
}
