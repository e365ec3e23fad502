using System.Text;
using LocalLlm.Engine.Text;

namespace LocalLlm.Engine.Tests.Text;

public sealed class IncrementalDetokenizerTests
{
    [Fact]
    public void Append_CharacterSplitAcrossTokens_EmitsItWhole()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("日本");
        var detokenizer = new IncrementalDetokenizer();

        string first = detokenizer.Append(bytes.AsSpan(0, 2));
        string second = detokenizer.Append(bytes.AsSpan(2, 3));
        string third = detokenizer.Append(bytes.AsSpan(5, 1));

        Assert.Equal(string.Empty, first);
        Assert.Equal("日", second);
        Assert.Equal("本", third);
    }

    [Fact]
    public void Flush_IncompleteCharacterPending_EmitsReplacementCharacter()
    {
        var detokenizer = new IncrementalDetokenizer();
        detokenizer.Append("a"u8);
        string partial = detokenizer.Append([0xE6, 0x97]);

        string rest = detokenizer.Flush();

        Assert.Equal(string.Empty, partial);
        Assert.Equal("\uFFFD", rest);
    }

    [Fact]
    public void Append_InvalidByte_EmitsReplacementAndContinues()
    {
        var detokenizer = new IncrementalDetokenizer();

        string text = detokenizer.Append([0xFF, (byte)'o', (byte)'k']);

        Assert.Equal("\uFFFDok", text);
    }

    [Fact]
    public void Append_EmojiOneByteAtATime_ReassemblesSurrogatePair()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("😀!");
        var detokenizer = new IncrementalDetokenizer();
        var output = new StringBuilder();

        foreach (byte b in bytes)
        {
            output.Append(detokenizer.Append([b]));
        }

        Assert.Equal("😀!", output.ToString());
    }
}
