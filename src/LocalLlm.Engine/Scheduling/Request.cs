using System.Threading.Channels;
using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Kv;
using LocalLlm.Engine.Requests;
using LocalLlm.Engine.Text;

namespace LocalLlm.Engine.Scheduling;

internal enum RequestStatus
{
    Waiting,
    Running,
    Finished,
}

/// <summary>
/// The engine's state of one generation. <see cref="Tokens"/> holds the prompt followed by every generated token;
/// the first <see cref="NumComputed"/> of them are in the KV cache. A preempted request keeps its tokens and
/// recomputes them on resume, so generation continues exactly where it stopped.
/// </summary>
internal sealed class Request
{
    private readonly ChannelWriter<GenerationEvent> _events;

    public Request(GenerationRequest source, int contextLimit, ChannelWriter<GenerationEvent> events, CancellationToken cancellation)
    {
        Source = source;
        Tokens = new List<int>(source.PromptTokens.Count + Math.Min(source.MaxTokens ?? 256, 4096));
        Tokens.AddRange(source.PromptTokens);
        PromptLength = source.PromptTokens.Count;
        int limitByMaxTokens = source.MaxTokens is int max ? PromptLength + max : int.MaxValue;
        TokenLimit = Math.Min(contextLimit, limitByMaxTokens);
        _events = events;
        Cancellation = cancellation;
        Stops = new StopSequenceMatcher(source.StopSequences);
        ArrivalTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public GenerationRequest Source { get; }

    public string Id => Source.RequestId;

    public List<int> Tokens { get; }

    public int PromptLength { get; }

    /// <summary>Generation ends with finish reason "length" when <see cref="Tokens"/> reaches this count.</summary>
    public int TokenLimit { get; }

    public int NumComputed { get; set; }

    public int OutputCount => Tokens.Count - PromptLength;

    /// <summary>Tokens still to run through the model before the next token can be sampled.</summary>
    public int PendingTokens => Tokens.Count - NumComputed;

    public RequestStatus Status { get; set; } = RequestStatus.Waiting;

    /// <summary>The backend sequence this request occupies while running; -1 otherwise.</summary>
    public int SequenceId { get; set; } = -1;

    /// <summary>Orders running requests by admission; the most recently admitted one is preempted first.</summary>
    public long AdmissionOrder { get; set; }

    public int Preemptions { get; set; }

    /// <summary>KV blocks holding positions [i * blockSize, (i + 1) * blockSize) of <see cref="Tokens"/>.</summary>
    public List<KvBlock> Blocks { get; } = [];

    /// <summary>Chained hashes of the full blocks of <see cref="Tokens"/>, computed once as blocks fill.</summary>
    public List<ulong> BlockHashes { get; } = [];

    /// <summary>Leading blocks already offered to the prefix cache.</summary>
    public int CommittedBlocks { get; set; }

    /// <summary>Prompt tokens found in the prefix cache at first admission (reported as cached_tokens).</summary>
    public int CachedPromptTokens { get; set; } = -1;

    public ITokenSampler? Sampler { get; set; }

    public IncrementalDetokenizer Detokenizer { get; } = new();

    public StopSequenceMatcher Stops { get; }

    public CancellationToken Cancellation { get; }

    public long ArrivalTimestamp { get; }

    /// <summary>When the request was first admitted (0 until then).</summary>
    public long FirstScheduledTimestamp { get; set; }

    public long FirstTokenTimestamp { get; set; }

    public long LastTokenTimestamp { get; set; }

    public void Emit(GenerationEvent update) => _events.TryWrite(update);

    public void Complete() => _events.TryComplete();
}
