using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LocalLlm.Engine;
using LocalLlm.Engine.Requests;
using LocalLlm.Server.Observability;

namespace LocalLlm.Server.OpenAi;

/// <summary>One engine update of the choice at <see cref="Index"/>.</summary>
internal readonly record struct ChoiceEvent(int Index, GenerationEvent Event);

/// <summary>
/// The engine requests behind one API request (n choices per prompt), submitted together and read as one stream of
/// updates tagged with their choice index. Each choice's updates keep their order; choices interleave as the engine
/// produces them. Identical prompts share their KV blocks through the engine's prefix cache. Disposing cancels every
/// choice still running, so a client that goes away, or one choice failing, ends them all.
/// </summary>
internal sealed class ChoiceFanOut : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly Channel<ChoiceEvent> _events = Channel.CreateUnbounded<ChoiceEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly UsageTally _usage;
    private readonly RequestLogFeature? _log;
    private ChannelReader<GenerationEvent>? _single;
    private int _running;

    private ChoiceFanOut(UsageTally usage, RequestLogFeature? log, CancellationToken aborted)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        _usage = usage;
        _log = log;
    }

    /// <summary>The usage of every choice finished so far.</summary>
    public Usage Usage => _usage.Total();

    /// <summary>Submits every choice, or none: when one is rejected, those already queued are cancelled.</summary>
    /// <param name="choices">Grouped by prompt: <paramref name="choicesPerPrompt"/> consecutive requests share one.</param>
    /// <param name="promptParam">The request field named when the prompt is rejected (too long, empty).</param>
    /// <param name="log">Records time to first token, the finish reason and the whole request's usage.</param>
    public static ChoiceFanOut Start(
        LlmEngine engine, IReadOnlyList<GenerationRequest> choices, int choicesPerPrompt, string promptParam, RequestLogFeature? log, CancellationToken aborted)
    {
        var fanOut = new ChoiceFanOut(new UsageTally(choices.Count / choicesPerPrompt, choicesPerPrompt), log, aborted);
        var readers = new List<ChannelReader<GenerationEvent>>(choices.Count);
        try
        {
            foreach (GenerationRequest choice in choices)
            {
                readers.Add(EngineSubmission.Submit(engine, choice, promptParam, fanOut._cancel.Token));
            }
        }
        catch
        {
            fanOut.Dispose();
            throw;
        }

        if (readers.Count == 1)
        {
            // The common case reads the engine's reader directly: no pump, no second channel on the per-token path.
            fanOut._single = readers[0];
            return fanOut;
        }

        fanOut._running = readers.Count;
        for (int index = 0; index < readers.Count; index++)
        {
            _ = fanOut.PumpAsync(index, readers[index]);
        }

        return fanOut;
    }

    /// <summary>
    /// The engine requests for <paramref name="n"/> choices of one prompt. With a seed, choice i samples with its own
    /// seed derived from it (choice 0 with the seed itself), so a request with a seed is reproducible as a whole and
    /// its choices still differ.
    /// </summary>
    public static IEnumerable<GenerationRequest> Expand(GenerationRequest prompt, int n, int firstIndex = 0) =>
        Enumerable.Range(0, n).Select(i => prompt with
        {
            RequestId = $"{prompt.RequestId}-{firstIndex + i}",
            Sampling = prompt.Sampling with { Seed = ChoiceSeeds.ForChoice(prompt.Sampling.Seed, i) },
        });

    /// <summary>Every choice's updates until all have finished; a choice's last one carries its finish reason and usage.</summary>
    public async IAsyncEnumerable<ChoiceEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (ChoiceEvent update in Merged(cancellation))
        {
            _log?.Record(update.Event);
            if (update.Event.IsFinal)
            {
                _usage.Add(update.Index, update.Event.Usage);
            }

            yield return update;
        }

        if (_log is not null)
        {
            Usage total = _usage.Total();
            _log.PromptTokens = total.PromptTokens;
            _log.CompletionTokens = total.CompletionTokens;
            _log.CachedTokens = total.PromptTokensDetails.CachedTokens;
        }
    }

    public void Dispose()
    {
        _cancel.Cancel();
        _cancel.Dispose();
    }

    private async Task PumpAsync(int index, ChannelReader<GenerationEvent> reader)
    {
        try
        {
            // The engine completes every reader, a cancelled request with a final abort update, so no token is needed.
            await foreach (GenerationEvent update in reader.ReadAllAsync())
            {
                _events.Writer.TryWrite(new ChoiceEvent(index, update));
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _running) == 0)
            {
                _events.Writer.TryComplete();
            }
        }
    }

    private async IAsyncEnumerable<ChoiceEvent> Merged([EnumeratorCancellation] CancellationToken cancellation)
    {
        if (_single is { } only)
        {
            await foreach (GenerationEvent update in only.ReadAllAsync(cancellation))
            {
                yield return new ChoiceEvent(0, update);
            }

            yield break;
        }

        await foreach (ChoiceEvent update in _events.Reader.ReadAllAsync(cancellation))
        {
            yield return update;
        }
    }
}
