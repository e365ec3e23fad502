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
        await foreach (ChoiceEvent update in _events.Reader.ReadAllAsync(cancellation))
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
}

/// <summary>Seeds as llama.cpp takes them, one per choice.</summary>
internal static class ChoiceSeeds
{
    /// <summary>llama.cpp seeds are 32-bit and 0xFFFFFFFF means "random"; fold a 64-bit seed without landing there.</summary>
    public static uint Fold(long seed)
    {
        uint folded = (uint)seed ^ (uint)(seed >> 32);
        return folded == uint.MaxValue ? uint.MaxValue - 1 : folded;
    }

    /// <summary>Choice 0 keeps the seed; choice i &gt; 0 gets a well-mixed seed of (seed, i) (SplitMix64's finalizer).</summary>
    public static uint? ForChoice(uint? seed, int choice)
    {
        if (seed is not uint value || choice == 0)
        {
            return seed;
        }

        ulong x = value + ((ulong)choice * 0x9E3779B97F4A7C15UL);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return Fold((long)x);
    }
}

/// <summary>
/// Usage of a request with several choices: each prompt counts once (its choices share it), completion tokens of
/// every choice add up, and a prompt's cached tokens are the fewest any of its choices found cached.
/// </summary>
internal sealed class UsageTally(int prompts, int choicesPerPrompt)
{
    private readonly GenerationUsage?[] _choices = new GenerationUsage?[prompts * choicesPerPrompt];

    public void Add(int choice, GenerationUsage usage) => _choices[choice] = usage;

    public Usage Total()
    {
        int prompt = 0, completion = 0, cached = 0;
        for (int first = 0; first < _choices.Length; first += choicesPerPrompt)
        {
            GenerationUsage[] group = _choices.Skip(first).Take(choicesPerPrompt).OfType<GenerationUsage>().ToArray();
            if (group.Length == 0)
            {
                continue;
            }

            prompt += group[0].PromptTokens;
            cached += group.Min(u => u.CachedPromptTokens);
            completion += group.Sum(u => u.CompletionTokens);
        }

        return new Usage { PromptTokens = prompt, CompletionTokens = completion, PromptTokensDetails = new PromptTokensDetails { CachedTokens = cached } };
    }
}
