using System.Text;
using LocalLlm.ModelForge.Tokenization;

namespace LocalLlm.ModelForge.Tests;

public sealed class ByteLevelBpeVocabularyTests
{
    public static TheoryData<string> Styles => new() { nameof(VocabularyStyle.ChatMl), nameof(VocabularyStyle.Llama3) };

    public static TheoryData<string> Texts => new()
    {
        "Hello, world! How are you today?",
        "The server answers every request with the same care.",
        "I've been told they'd carried every stone; we'll see. DON'T SHOUT, it's LATE.",
        "Numbers: 3 apples, 12345 pears, 3.14159 and 2024-11-23.",
        "  leading spaces,\ttabs\tand\r\nwindows lines\n\n\nand blank lines   \n",
        "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}",
        "def f(x):\n    return x + 1\n",
        "Ünïcödé: naïve café, Straße, Ελληνικά, русский, 中文字符, 日本語のテキスト",
        "Emoji 🚀🦙 and flags 🇫🇷, zero-width\u200djoiner, combining e\u0301",
        "Breninstreang ploumpromsurk keet, qualleath thoust-gry.",
        "",
        " ",
        "\n",
    };

    [Theory]
    [MemberData(nameof(Styles))]
    public void Create_Structure_BytesThenLearnedThenSpecials(string styleName)
    {
        var style = Enum.Parse<VocabularyStyle>(styleName);
        var vocabulary = ByteLevelBpeVocabulary.Create(style, 2048);
        var specials = ByteLevelBpeVocabulary.SpecialTokens(style);

        Assert.Equal(2048, vocabulary.Count);
        Assert.Equal(vocabulary.Count, vocabulary.Tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ByteLevelMapping.VocabularyOrder.Select(b => ByteLevelMapping.Map(b).ToString()), vocabulary.Tokens.Take(256));
        Assert.Equal("!", vocabulary.Tokens[0]);
        Assert.All(vocabulary.TokenTypes.Take(vocabulary.Count - specials.Count), t => Assert.Equal(TokenType.Normal, t));
        Assert.Equal(specials.Select(s => s.Text), vocabulary.Tokens.Skip(vocabulary.Count - specials.Count));
        Assert.Equal(specials.Select(s => s.Type), vocabulary.TokenTypes.Skip(vocabulary.Count - specials.Count));
    }

    [Fact]
    public void SpecialTokens_ChatMl_MarkedAsQwen3Marks()
    {
        var vocabulary = ByteLevelBpeVocabulary.Create(VocabularyStyle.ChatMl, 2048);
        TokenType TypeOf(string text) => vocabulary.TokenTypes[vocabulary.Special[text]];

        Assert.Equal(TokenType.Control, TypeOf("<|endoftext|>"));
        Assert.Equal(TokenType.Control, TypeOf("<|im_start|>"));
        Assert.Equal(TokenType.Control, TypeOf("<|im_end|>"));
        foreach (var tag in new[] { "<think>", "</think>", "<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>" })
        {
            Assert.Equal(TokenType.UserDefined, TypeOf(tag));
        }

        Assert.Equal(vocabulary.Special["<|im_end|>"], vocabulary.EosId);
        Assert.Equal(vocabulary.Special["<|endoftext|>"], vocabulary.BosId);
        Assert.Equal(vocabulary.Special["<|endoftext|>"], vocabulary.PaddingId);
        Assert.False(vocabulary.AddBos);
        Assert.Contains("enable_thinking", vocabulary.ChatTemplate, StringComparison.Ordinal);
    }

    [Fact]
    public void SpecialTokens_Llama3_HeaderTokensAndBos()
    {
        var vocabulary = ByteLevelBpeVocabulary.Create(VocabularyStyle.Llama3, 2048);

        Assert.True(vocabulary.AddBos);
        Assert.Equal(vocabulary.Special["<|begin_of_text|>"], vocabulary.BosId);
        Assert.Equal(vocabulary.Special["<|eot_id|>"], vocabulary.EosId);
        Assert.Null(vocabulary.PaddingId);
        Assert.All(vocabulary.Special.Values, id => Assert.Equal(TokenType.Control, vocabulary.TokenTypes[id]));
        Assert.StartsWith("{{- bos_token }}", vocabulary.ChatTemplate, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public void Merges_EveryPartAndResult_IsATokenAndRanksAreUnique(string styleName)
    {
        var style = Enum.Parse<VocabularyStyle>(styleName);
        var vocabulary = ByteLevelBpeVocabulary.Create(style, 2048);
        var normal = vocabulary.Tokens.Where((_, i) => vocabulary.TokenTypes[i] == TokenType.Normal).ToHashSet(StringComparer.Ordinal);

        Assert.True(vocabulary.Merges.Count >= vocabulary.Count - 256 - vocabulary.Special.Count);
        Assert.Equal(vocabulary.Merges.Count, vocabulary.Merges.Distinct(StringComparer.Ordinal).Count());
        foreach (var merge in vocabulary.Merges)
        {
            var parts = merge.Split(' ');
            Assert.Equal(2, parts.Length);
            Assert.Contains(parts[0], normal);
            Assert.Contains(parts[1], normal);
            Assert.Contains(parts[0] + parts[1], normal);
        }

        // Each learned token appears as the result of a merge ranked before any merge that uses it.
        var firstProduced = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var rank = 0; rank < vocabulary.Merges.Count; rank++)
        {
            var parts = vocabulary.Merges[rank].Split(' ');
            foreach (var part in parts.Where(p => p.Length > 1))
            {
                Assert.True(firstProduced.TryGetValue(part, out var produced) && produced < rank, $"'{part}' used at rank {rank} before it exists.");
            }

            firstProduced.TryAdd(parts[0] + parts[1], rank);
        }
    }

    [Theory]
    [MemberData(nameof(Styles))]
    public void Encode_EveryLearnedTokenText_GivesThatToken(string styleName)
    {
        var style = Enum.Parse<VocabularyStyle>(styleName);
        var vocabulary = ByteLevelBpeVocabulary.Create(style, 2048);
        var tokenizer = new ByteLevelBpeTokenizer(vocabulary);

        for (var id = 256; id < vocabulary.Count - vocabulary.Special.Count; id++)
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(ByteLevelMapping.Decode(vocabulary.Tokens[id]));
            Assert.Equal([id], tokenizer.Encode(text));
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void EncodeDecode_AnyText_RoundTrips(string text)
    {
        foreach (var style in new[] { VocabularyStyle.ChatMl, VocabularyStyle.Llama3 })
        {
            var tokenizer = new ByteLevelBpeTokenizer(ByteLevelBpeVocabulary.Create(style, 2048));

            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text, parseSpecial: true), renderSpecial: true));
        }
    }

    [Fact]
    public void Encode_EnglishText_CompressesWellBelowOneTokenPerByte()
    {
        var tokenizer = new ByteLevelBpeTokenizer(ByteLevelBpeVocabulary.Create(VocabularyStyle.ChatMl, 2048));
        var text = string.Join("\n\n", EnglishText.Paragraphs);

        Assert.True(tokenizer.Encode(text).Count * 3 < text.Length, "A trained vocabulary should average over 3 bytes per token on English.");
    }

    [Fact]
    public void Encode_SpecialTokensInText_ControlOnlyWhenParsingUserDefinedAlways()
    {
        var vocabulary = ByteLevelBpeVocabulary.Create(VocabularyStyle.ChatMl, 2048);
        var tokenizer = new ByteLevelBpeTokenizer(vocabulary);
        const string text = "<|im_start|>user\n<think>hmm</think>Hi<|im_end|>";

        var parsed = tokenizer.Encode(text, parseSpecial: true);
        var literal = tokenizer.Encode(text, parseSpecial: false);

        Assert.Equal(vocabulary.Special["<|im_start|>"], parsed[0]);
        Assert.Equal(vocabulary.Special["<|im_end|>"], parsed[^1]);
        Assert.Contains(vocabulary.Special["<think>"], parsed);
        Assert.DoesNotContain(vocabulary.Special["<|im_start|>"], literal);
        Assert.Contains(vocabulary.Special["<think>"], literal);
        Assert.Contains(vocabulary.Special["</think>"], literal);
        Assert.Equal("user\n<think>hmm</think>Hi", tokenizer.Decode(parsed));
    }

    [Fact]
    public void Build_Twice_IdenticalVocabulary()
    {
        var first = ByteLevelBpeVocabulary.Build(VocabularyStyle.ChatMl, 600);
        var second = ByteLevelBpeVocabulary.Build(VocabularyStyle.ChatMl, 600);

        Assert.Equal(first.Tokens, second.Tokens);
        Assert.Equal(first.Merges, second.Merges);
    }

    [Fact]
    public void Create_Bench100MSize_CorpusYieldsEveryRequestedToken()
    {
        var vocabulary = ByteLevelBpeVocabulary.Create(VocabularyStyle.ChatMl, TinyModelSpec.Bench100M.VocabularySize);

        Assert.Equal(TinyModelSpec.Bench100M.VocabularySize, vocabulary.Count);
        Assert.Equal(vocabulary.Count, vocabulary.Tokens.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Create_BelowMinimum_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(
            () => ByteLevelBpeVocabulary.Create(VocabularyStyle.ChatMl, ByteLevelBpeVocabulary.MinimumSize(VocabularyStyle.ChatMl) - 1));

    [Fact]
    public void ByteLevelMapping_AllBytes_PrintableDistinctAndReversible()
    {
        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var mapped = ByteLevelMapping.Encode(all);

        Assert.Equal(256, mapped.Distinct().Count());
        Assert.All(mapped, c => Assert.False(char.IsWhiteSpace(c) || char.IsControl(c)));
        Assert.Equal(all, ByteLevelMapping.Decode(mapped));
        Assert.Equal('Ġ', ByteLevelMapping.Map((byte)' '));
        Assert.Equal('Ċ', ByteLevelMapping.Map((byte)'\n'));
        Assert.Equal(256, ByteLevelMapping.VocabularyOrder.Distinct().Count());
    }
}
