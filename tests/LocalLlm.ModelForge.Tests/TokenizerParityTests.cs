using System.Text;
using LocalLlm.ModelForge.Tokenization;

namespace LocalLlm.ModelForge.Tests;

/// <summary>llama.cpp's tokenizer, reading the forged metadata, must agree with the forge's own encoder.</summary>
public sealed class TokenizerParityTests(ForgedModels models) : IClassFixture<ForgedModels>
{
    public static TheoryData<string, string> Samples()
    {
        var data = new TheoryData<string, string>();
        string[] texts =
        [
            "Hello, world! How are you today?",
            "I've been told they'd carried every stone; we'll see. DON'T SHOUT, it's LATE.",
            "Numbers: 3 apples, 12345 pears, 3.14159 and 2024-11-23, 1000000.",
            "  leading spaces,\ttabs\tand\r\nwindows lines\n\n\nand blank lines   \n",
            "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}",
            "def f(x):\n    return x + 1\n",
            "Ünïcödé: naïve café, Straße, Ελληνικά, русский, 中文字符, 日本語",
            "Emoji 🚀 and 🦙, combining e\u0301",
            "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\nhmm\n</think>\n\nHello",
            "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call><tool_response>\n42\n</tool_response>",
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|python_tag|>",
            "<|im_end|><|im_end|>x<|endoftext|>",
            "Breninstreang ploumpromsurk keet, qualleath thoust.",
            "",
        ];
        foreach (var architecture in new[] { TinyModelSpec.Qwen3, TinyModelSpec.Llama })
        {
            foreach (var text in texts)
            {
                data.Add(architecture, text);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Tokenize_SampleText_MatchesOwnEncoderInEveryMode(string architecture, string text)
    {
        var (backend, tokenizer) = Open(architecture);
        using (backend)
        {
            foreach (var (addSpecial, parseSpecial) in new[] { (false, false), (false, true), (true, false), (true, true) })
            {
                Assert.Equal(tokenizer.Encode(text, addSpecial, parseSpecial), backend.Tokenizer.Tokenize(text, addSpecial, parseSpecial));
            }
        }
    }

    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public void Tokenize_CorpusExcerpt_MatchesOwnEncoder(string architecture)
    {
        var (backend, tokenizer) = Open(architecture);
        using (backend)
        {
            var text = SyntheticCorpus.Generate(3000);

            Assert.Equal(tokenizer.Encode(text), backend.Tokenizer.Tokenize(text, addSpecial: false, parseSpecial: false));
        }
    }

    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public void Tokenize_EveryTokenText_GivesThatTokenAndSameBytes(string architecture)
    {
        var (backend, tokenizer) = Open(architecture);
        using (backend)
        {
            var vocabulary = Vocabulary(architecture);
            for (var id = 0; id < vocabulary.Count; id++)
            {
                var bytes = tokenizer.DecodeBytes([id], renderSpecial: true);
                Assert.Equal(bytes, backend.Tokenizer.TokenBytes(id, renderSpecial: true).ToArray());

                // A lone byte of a multi-byte character is not text; every other token is reachable from its own text.
                if (TryUtf8(bytes, out var text))
                {
                    Assert.Equal([id], backend.Tokenizer.Tokenize(text, addSpecial: false, parseSpecial: true));
                }
            }
        }
    }

    private static bool TryUtf8(byte[] bytes, out string text)
    {
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static ByteLevelBpeVocabulary Vocabulary(string architecture) => ByteLevelBpeVocabulary.Create(
        architecture == TinyModelSpec.Llama ? VocabularyStyle.Llama3 : VocabularyStyle.ChatMl, TinyModelSpec.Test.VocabularySize);

    private (Backends.LlamaCpp.LlamaCppBackend Backend, ByteLevelBpeTokenizer Tokenizer) Open(string architecture) =>
        (ForgedModels.Load(models.PathOf(architecture), contextSize: 256), new ByteLevelBpeTokenizer(Vocabulary(architecture)));
}
