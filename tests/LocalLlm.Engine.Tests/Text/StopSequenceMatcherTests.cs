using System.Text;
using LocalLlm.Engine.Text;

namespace LocalLlm.Engine.Tests.Text;

public sealed class StopSequenceMatcherTests
{
    [Fact]
    public void Push_StopSplitAcrossPieces_StopsWithoutLeakingAnyOfIt()
    {
        var matcher = new StopSequenceMatcher(["END"]);
        var output = new StringBuilder();

        foreach (string piece in new[] { "hello E", "N", "D more" })
        {
            output.Append(matcher.Push(piece));
            if (matcher.Stopped)
            {
                break;
            }
        }

        Assert.True(matcher.Stopped);
        Assert.Equal("hello ", output.ToString());
    }

    [Fact]
    public void Push_PrefixThatDoesNotComplete_ReleasesItLater()
    {
        var matcher = new StopSequenceMatcher(["END"]);

        string first = matcher.Push("an E");
        string second = matcher.Push("ngine");

        Assert.Equal("an ", first);
        Assert.Equal("Engine", second);
        Assert.False(matcher.Stopped);
    }

    [Fact]
    public void Push_SeveralStops_CutsAtEarliest()
    {
        var matcher = new StopSequenceMatcher(["xyz", "b"]);

        string text = matcher.Push("aaxyzab");

        Assert.Equal("aa", text);
        Assert.True(matcher.Stopped);
    }

    [Fact]
    public void Flush_NoMatch_ReturnsHeldBackText()
    {
        var matcher = new StopSequenceMatcher(["\n\n"]);

        string text = matcher.Push("line\n");
        string rest = matcher.Flush();

        Assert.Equal("line", text);
        Assert.Equal("\n", rest);
    }

    [Fact]
    public void Push_NoStops_PassesThrough()
    {
        var matcher = new StopSequenceMatcher([]);

        Assert.Equal("abc", matcher.Push("abc"));
    }
}
