using System.Diagnostics;
using System.Threading.Channels;
using LocalLlm.Engine.Requests;
using LocalLlm.Server.Observability;

namespace LocalLlm.Server.Tests.Observability;

public sealed class RequestLogFeatureTests
{
    [Fact]
    public async Task Observe_EventsPassThroughUnchanged_TtftAtFirstTokenUsageAndFinishAtTheEnd()
    {
        long started = Stopwatch.GetTimestamp();
        var feature = new RequestLogFeature(started, "trace-1");
        feature.Start("chatcmpl-1", "model-a");
        Channel<GenerationEvent> channel = Channel.CreateUnbounded<GenerationEvent>();
        GenerationEvent[] sent =
        [
            new("", 0),
            new("Hel", 1),
            new("lo", 1),
            new("", 1, FinishReason.Length, new GenerationUsage(12, 3, 8)),
        ];

        ChannelReader<GenerationEvent> observed = feature.Observe(channel.Reader);
        await channel.Writer.WriteAsync(sent[0]);
        Assert.True(await observed.WaitToReadAsync());
        Assert.True(observed.TryRead(out GenerationEvent? first));
        Assert.Same(sent[0], first);
        Assert.Null(feature.TimeToFirstTokenMs);

        // Timers may wake a little early, so the bound is this test's own reading of the clock before the first token.
        await Task.Delay(20);
        double beforeFirstToken = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        foreach (GenerationEvent update in sent[1..])
        {
            await channel.Writer.WriteAsync(update);
        }

        channel.Writer.Complete();
        List<GenerationEvent> rest = [];
        await foreach (GenerationEvent update in observed.ReadAllAsync())
        {
            rest.Add(update);
        }

        Assert.Equal(sent[1..], rest);
        Assert.True(feature.TimeToFirstTokenMs >= beforeFirstToken);
        Assert.Equal(("chatcmpl-1", "model-a"), (feature.RequestId, feature.Model));
        Assert.Equal((12, 3, 8), (feature.PromptTokens, feature.CompletionTokens, feature.CachedTokens));
        Assert.Equal("length", feature.FinishReason);
        await observed.Completion;
    }

    [Fact]
    public void Record_NoFinalEvent_UsageStaysUnknown()
    {
        var feature = new RequestLogFeature(Stopwatch.GetTimestamp(), "trace-2");
        feature.Record(new GenerationEvent("a", 1));

        Assert.NotNull(feature.TimeToFirstTokenMs);
        Assert.Equal("trace-2", feature.RequestId);
        Assert.Null(feature.PromptTokens);
        Assert.Null(feature.FinishReason);
    }
}
