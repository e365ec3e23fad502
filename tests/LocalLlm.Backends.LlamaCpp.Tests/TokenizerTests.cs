using System.Text;

namespace LocalLlm.Backends.LlamaCpp.Tests;

public sealed class TokenizerTests : IDisposable
{
    private readonly LlamaCppBackend _backend = TestModel.Load();

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData("hello world")]
    [InlineData("the thing is hello, world!\n  indented\ttab")]
    [InlineData("ünïcödé → 日本語 🎉")]
    [InlineData("")]
    public void Tokenize_PlainText_RoundTripsThroughTokenBytesAndDetokenize(string text)
    {
        var tokens = _backend.Tokenizer.Tokenize(text, addSpecial: false, parseSpecial: false);

        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            bytes.AddRange(_backend.Tokenizer.TokenBytes(token).ToArray());
        }

        Assert.Equal(text, Encoding.UTF8.GetString(bytes.ToArray()));
        Assert.Equal(text, _backend.LlamaTokenizer.Detokenize(tokens));
    }

    [Fact]
    public void Tokenize_CommonEnglishWords_UsesMergedTokens()
    {
        const string Text = "The server answers every request";
        var tokens = _backend.Tokenizer.Tokenize(Text, addSpecial: false, parseSpecial: false);

        // The forged vocabulary merges frequent English words, leading space included: one token per word.
        Assert.Equal(5, tokens.Length);
        Assert.Equal("The", Encoding.UTF8.GetString(_backend.Tokenizer.TokenBytes(tokens[0])));
        Assert.Equal(" server", Encoding.UTF8.GetString(_backend.Tokenizer.TokenBytes(tokens[1])));
        Assert.Equal(" request", Encoding.UTF8.GetString(_backend.Tokenizer.TokenBytes(tokens[4])));
    }

    [Fact]
    public void Tokenize_SpecialTextWithParseSpecial_IsOneControlToken()
    {
        var parsed = _backend.Tokenizer.Tokenize("<|im_start|>user", addSpecial: false, parseSpecial: true);
        var literal = _backend.Tokenizer.Tokenize("<|im_start|>user", addSpecial: false, parseSpecial: false);

        Assert.Equal("<|im_start|>", Encoding.UTF8.GetString(_backend.Tokenizer.TokenBytes(parsed[0], renderSpecial: true)));
        Assert.True(_backend.Tokenizer.TokenBytes(parsed[0], renderSpecial: false).IsEmpty);
        Assert.True(literal.Length > parsed.Length);
        Assert.DoesNotContain(parsed[0], literal);
    }

    [Fact]
    public void IsEndOfGeneration_EosAndOrdinaryToken_Differ()
    {
        var eos = _backend.LlamaTokenizer.EosToken;
        var hello = _backend.Tokenizer.Tokenize("hello", addSpecial: false, parseSpecial: false)[0];

        Assert.True(eos >= 0);
        Assert.True(_backend.Tokenizer.IsEndOfGeneration(eos));
        Assert.False(_backend.Tokenizer.IsEndOfGeneration(hello));
        Assert.False(_backend.Tokenizer.IsEndOfGeneration(-1));
    }

    [Fact]
    public void TokenBytes_OutOfVocabulary_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Tokenizer.TokenBytes(_backend.Info.VocabularySize).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => _backend.Tokenizer.TokenBytes(-1).Length);
    }

    [Fact]
    public void TokenBytes_SameTokenTwice_ReturnsCachedBytes()
    {
        var token = _backend.Tokenizer.Tokenize("hello", addSpecial: false, parseSpecial: false)[0];

        var first = _backend.Tokenizer.TokenBytes(token);
        var second = _backend.Tokenizer.TokenBytes(token);

        Assert.True(first.Overlaps(second));
    }

    [Fact]
    public void Tokenize_AfterBackendDisposed_ThrowsObjectDisposed()
    {
        var backend = TestModel.Load();
        var tokenizer = backend.Tokenizer;
        backend.Dispose();

        Assert.Throws<ObjectDisposedException>(() => tokenizer.Tokenize("hello", addSpecial: false, parseSpecial: false));
    }
}
