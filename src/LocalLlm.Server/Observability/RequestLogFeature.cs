using System.Diagnostics;
using System.Threading.Channels;
using LocalLlm.Engine.Requests;
using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.Observability;

/// <summary>
/// The facts of one API request that end up in its log line. <see cref="RequestLogMiddleware"/> puts one on
/// <c>HttpContext.Features</c> before the endpoint runs; the endpoint fills what only it knows (model, usage, finish
/// reason, time to first token), typically by passing its engine events through <see cref="Observe"/>. Fields left
/// unset are logged as null.
/// </summary>
internal sealed class RequestLogFeature(long startTimestamp, string requestId, bool idFromClient = false)
{
    /// <summary>
    /// The client's X-Request-Id when it sent one (operators correlate by it); otherwise the connection's trace
    /// identifier until the endpoint names the request by its completion id.
    /// </summary>
    public string RequestId { get; set; } = requestId;

    public string? Model { get; set; }

    public int? PromptTokens { get; set; }

    public int? CompletionTokens { get; set; }

    public int? CachedTokens { get; set; }

    public string? FinishReason { get; set; }

    /// <summary>From the request's arrival at the server to its first generated token.</summary>
    public double? TimeToFirstTokenMs { get; set; }

    /// <summary>Names the request and its model; call once the model is resolved.</summary>
    public void Start(string requestId, string model)
    {
        if (!idFromClient)
        {
            RequestId = requestId;
        }

        Model = model;
    }

    /// <summary>Records the time to first token at the first event that carries tokens, and usage and finish reason at the final one.</summary>
    public void Record(GenerationEvent update)
    {
        if (TimeToFirstTokenMs is null && update.NewTokens > 0)
        {
            TimeToFirstTokenMs = Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;
        }

        if (update.IsFinal)
        {
            PromptTokens = update.Usage.PromptTokens;
            CompletionTokens = update.Usage.CompletionTokens;
            CachedTokens = update.Usage.CachedPromptTokens;
            FinishReason = update.Finish is { } finish ? FinishReasons.Name(finish) : null;
        }
    }

    /// <summary>The same events, each passed to <see cref="Record"/> as the endpoint reads it.</summary>
    public ChannelReader<GenerationEvent> Observe(ChannelReader<GenerationEvent> events) => new ObservingReader(events, this);

    private sealed class ObservingReader(ChannelReader<GenerationEvent> inner, RequestLogFeature feature) : ChannelReader<GenerationEvent>
    {
        public override Task Completion => inner.Completion;

        public override bool TryRead(out GenerationEvent item)
        {
            if (!inner.TryRead(out item!))
            {
                return false;
            }

            feature.Record(item);
            return true;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => inner.WaitToReadAsync(cancellationToken);
    }
}
