using System.Collections.Concurrent;
using System.Text;

namespace LocalLlm.ModelForge.Tokenization;

/// <summary>
/// A GPT-2 style byte-level BPE vocabulary: the 256 byte tokens in GPT-2 order, then the tokens of merges learned on
/// <see cref="SyntheticCorpus"/>, then the special tokens of the chosen family. Training is deterministic, so a
/// (style, size) pair always produces the same vocabulary; results are memoised per process.
/// </summary>
internal sealed class ByteLevelBpeVocabulary
{
    private static readonly ConcurrentDictionary<(VocabularyStyle, int), Lazy<ByteLevelBpeVocabulary>> Cache = new();

    private ByteLevelBpeVocabulary(
        VocabularyStyle style, string[] tokens, TokenType[] types, string[] merges, IReadOnlyDictionary<string, int> specials)
    {
        Style = style;
        Tokens = tokens;
        TokenTypes = types;
        Merges = merges;
        Special = specials;
    }

    public VocabularyStyle Style { get; }

    /// <summary>Token texts; ordinary tokens are in byte-level (mapped) form, special tokens are literal.</summary>
    public IReadOnlyList<string> Tokens { get; }

    public IReadOnlyList<TokenType> TokenTypes { get; }

    /// <summary>Merges in rank order, each "left right" in byte-level form.</summary>
    public IReadOnlyList<string> Merges { get; }

    /// <summary>Special token texts to ids.</summary>
    public IReadOnlyDictionary<string, int> Special { get; }

    public int Count => Tokens.Count;

    public PreTokenizerKind PreTokenizer => Style == VocabularyStyle.ChatMl ? PreTokenizerKind.Qwen2 : PreTokenizerKind.Llama3;

    /// <summary>Qwen3 marks its end-of-text token as BOS and padding but never adds it; Llama 3 adds its BOS.</summary>
    public bool AddBos => Style == VocabularyStyle.Llama3;

    public int BosId => Special[Style == VocabularyStyle.ChatMl ? "<|endoftext|>" : "<|begin_of_text|>"];

    /// <summary>The end-of-generation token of the instruct models: <c>&lt;|im_end|&gt;</c> or <c>&lt;|eot_id|&gt;</c>.</summary>
    public int EosId => Special[Style == VocabularyStyle.ChatMl ? "<|im_end|>" : "<|eot_id|>"];

    public int? PaddingId => Style == VocabularyStyle.ChatMl ? Special["<|endoftext|>"] : null;

    public string ChatTemplate => ReadTemplate(Style == VocabularyStyle.ChatMl ? "qwen3.jinja" : "llama3.jinja");

    /// <summary>
    /// Special tokens and their types. For ChatML these are Qwen3's: its <c>&lt;|...|&gt;</c> tokens are control
    /// tokens, while the think, tool-call and tool-response tags are added tokens that Qwen3 does not mark special,
    /// which its GGUF conversion records as user-defined. Llama 3's header tokens are all control tokens.
    /// </summary>
    public static IReadOnlyList<(string Text, TokenType Type)> SpecialTokens(VocabularyStyle style) => style switch
    {
        VocabularyStyle.ChatMl =>
        [
            ("<|endoftext|>", TokenType.Control), ("<|im_start|>", TokenType.Control), ("<|im_end|>", TokenType.Control),
            ("<tool_call>", TokenType.UserDefined), ("</tool_call>", TokenType.UserDefined),
            ("<tool_response>", TokenType.UserDefined), ("</tool_response>", TokenType.UserDefined),
            ("<think>", TokenType.UserDefined), ("</think>", TokenType.UserDefined),
        ],
        VocabularyStyle.Llama3 =>
        [
            ("<|begin_of_text|>", TokenType.Control), ("<|end_of_text|>", TokenType.Control),
            ("<|start_header_id|>", TokenType.Control), ("<|end_header_id|>", TokenType.Control),
            ("<|eom_id|>", TokenType.Control), ("<|eot_id|>", TokenType.Control), ("<|python_tag|>", TokenType.Control),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(style)),
    };

    /// <summary>The smallest size that leaves room for at least one learned merge.</summary>
    public static int MinimumSize(VocabularyStyle style) => 256 + SpecialTokens(style).Count + 1;

    public static ByteLevelBpeVocabulary Create(VocabularyStyle style, int size)
    {
        if (size < MinimumSize(style))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"A {style} vocabulary needs at least {MinimumSize(style)} tokens.");
        }

        return Cache.GetOrAdd((style, size), key => new Lazy<ByteLevelBpeVocabulary>(() => Build(key.Item1, key.Item2))).Value;
    }

    internal static ByteLevelBpeVocabulary Build(VocabularyStyle style, int size)
    {
        var specials = SpecialTokens(style);
        var learned = size - 256 - specials.Count;
        var preTokenizer = style == VocabularyStyle.ChatMl ? PreTokenizerKind.Qwen2 : PreTokenizerKind.Llama3;

        var tokens = new List<string>(size);
        var byteIds = new int[256];
        foreach (var b in ByteLevelMapping.VocabularyOrder)
        {
            byteIds[b] = tokens.Count;
            tokens.Add(ByteLevelMapping.Map(b).ToString());
        }

        var corpus = TrainingCorpus(style, size);
        var chunkCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in Tokenization.PreTokenizer.Split(preTokenizer, corpus))
        {
            chunkCounts[chunk] = chunkCounts.GetValueOrDefault(chunk) + 1;
        }

        var chunks = chunkCounts.Select(kv => new KeyValuePair<int[], long>(
            Array.ConvertAll(Encoding.UTF8.GetBytes(kv.Key), b => byteIds[b]), kv.Value));
        var merges = BpeTrainer.Train(chunks, tokens, learned);

        var types = Enumerable.Repeat(TokenType.Normal, tokens.Count).ToList();
        var specialIds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (text, type) in specials)
        {
            specialIds.Add(text, tokens.Count);
            tokens.Add(text);
            types.Add(type);
        }

        // llama.cpp indexes tokens by text and asserts that the index is a bijection.
        if (tokens.Distinct(StringComparer.Ordinal).Count() != tokens.Count)
        {
            throw new InvalidOperationException("The trained vocabulary contains duplicate token texts.");
        }

        var mergeTexts = merges.ConvertAll(m => tokens[m.Left] + " " + tokens[m.Right]);
        return new ByteLevelBpeVocabulary(style, [.. tokens], [.. types], [.. mergeTexts], specialIds);
    }

    /// <summary>The text the merges of a (style, size) vocabulary are learned from.</summary>
    internal static string TrainingCorpus(VocabularyStyle style, int size)
    {
        // Corpus size scales with the number of merges wanted; 12 words per merge leaves ample pairs to learn from.
        var learned = size - 256 - SpecialTokens(style).Count;
        return SyntheticCorpus.Generate(Math.Max(20_000, learned * 12));
    }

    private static string ReadTemplate(string name)
    {
        using var stream = typeof(ByteLevelBpeVocabulary).Assembly.GetManifestResourceStream($"LocalLlm.ModelForge.Templates.{name}")
            ?? throw new InvalidOperationException($"Embedded chat template {name} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
