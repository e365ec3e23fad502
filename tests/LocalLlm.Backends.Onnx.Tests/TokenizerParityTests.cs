using LocalLlm.Backends.LlamaCpp;
using LocalLlm.ModelForge;

namespace LocalLlm.Backends.Onnx.Tests;

/// <summary>The tokenizer built from tokenizer.json against llama.cpp's on the GGUF twin of the same forged vocabulary.</summary>
public sealed class TokenizerParityTests
{
    public static TheoryData<string, string> Texts()
    {
        string[] texts =
        [
            "Hello world",
            "The quick brown fox jumps over the lazy dog, then naps in the sun.",
            "It's, they're, we'VE, I'm, you'll, she'd: contractions.",
            "Numbers 1234567 and 3.14159 and 2026-11-29",
            "日本語のテキストと中文字符，还有한국어.",
            "Emoji 🦙🚀 and flags 🇫🇷 and a family 👨‍👩‍👧",
            "Tabs\tand  double  spaces   and\n\nnewlines\r\n trailing   ",
            "    leading spaces and \u00a0 no-break space",
            "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nHello!<|im_end|>",
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
            "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>",
            "Ünïcödé àccents, ß, Œuvre, naïve café",
            "code: for (int i = 0; i < n; i++) { sum += a[i]; } // done",
            "",
            " ",
            "a",
        ];
        var data = new TheoryData<string, string>();
        foreach (string architecture in (string[])[TinyModelSpec.Qwen3, TinyModelSpec.Llama])
        {
            foreach (string text in texts)
            {
                data.Add(architecture, text);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Tokenize_Text_EqualsLlamaCpp(string architecture, string text)
    {
        using LlamaCppBackend llama = TestModels.LoadLlama(architecture, maxSequences: 1, contextSize: 256);
        using OnnxBackend onnx = TestModels.LoadOnnx(architecture, maxSequences: 1, sequenceLength: 64);

        foreach ((bool addSpecial, bool parseSpecial) in ((bool, bool)[])[(true, true), (false, true), (true, false), (false, false)])
        {
            Assert.Equal(llama.Tokenizer.Tokenize(text, addSpecial, parseSpecial), onnx.Tokenizer.Tokenize(text, addSpecial, parseSpecial));
        }
    }

    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public void TokenBytesAndEndOfGeneration_EveryToken_EqualLlamaCpp(string architecture)
    {
        using LlamaCppBackend llama = TestModels.LoadLlama(architecture, maxSequences: 1, contextSize: 256);
        using OnnxBackend onnx = TestModels.LoadOnnx(architecture, maxSequences: 1, sequenceLength: 64);

        Assert.Equal(llama.Tokenizer.BosToken, onnx.Tokenizer.BosToken);
        for (int token = 0; token < llama.Info.VocabularySize; token++)
        {
            Assert.True(llama.Tokenizer.TokenBytes(token).SequenceEqual(onnx.Tokenizer.TokenBytes(token)), $"token {token}");
            Assert.True(llama.Tokenizer.TokenBytes(token, renderSpecial: true).SequenceEqual(onnx.Tokenizer.TokenBytes(token, renderSpecial: true)), $"token {token} rendered");
            Assert.Equal(llama.Tokenizer.IsEndOfGeneration(token), onnx.Tokenizer.IsEndOfGeneration(token));
        }
    }
}
