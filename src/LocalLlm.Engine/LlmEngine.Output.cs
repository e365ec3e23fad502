using System.Diagnostics;
using LocalLlm.Engine.Requests;
using LocalLlm.Engine.Scheduling;
using Microsoft.Extensions.Logging;

namespace LocalLlm.Engine;

public sealed partial class LlmEngine
{
    private void OnTokenSampled(Request request, int token, TokenLogprob? logprob)
    {
        request.Tokens.Add(token);
        Statistics.RecordGenerated();
        long now = Stopwatch.GetTimestamp();
        bool first = request.FirstTokenTimestamp == 0;
        _metrics?.Token(first, Stopwatch.GetElapsedTime(first ? request.ArrivalTimestamp : request.LastTokenTimestamp, now).TotalSeconds);
        if (first)
        {
            request.FirstTokenTimestamp = now;
        }

        request.LastTokenTimestamp = now;

        if (!request.Source.IgnoreEos && _backend.Tokenizer.IsEndOfGeneration(token))
        {
            // The end-of-generation token is not part of the output, so neither is its log probability.
            Finish(request, FinishReason.Stop, newTokens: 1, token: token);
            return;
        }

        string text = request.Stops.Push(request.Detokenizer.Append(_backend.Tokenizer.TokenBytes(token, request.Source.RenderSpecialTokens)));
        if (request.Stops.Stopped)
        {
            Finish(request, FinishReason.Stop, newTokens: 1, text, token: token, logprob: logprob);
            return;
        }

        if (request.Tokens.Count >= request.TokenLimit)
        {
            Finish(request, FinishReason.Length, newTokens: 1, text, token: token, logprob: logprob);
            return;
        }

        request.Emit(new GenerationEvent(text, 1) { Token = token, Logprob = logprob });
    }

    /// <summary>Ends a request: releases what it holds, flushes held-back text and sends the final update.</summary>
    private void Finish(
        Request request, FinishReason reason, int newTokens = 0, string text = "", string? error = null, int token = -1, TokenLogprob? logprob = null)
    {
        _scheduler.Finish(request);
        request.Sampler?.Dispose();
        request.Sampler = null;
        if (reason is FinishReason.Stop or FinishReason.Length && !request.Stops.Stopped)
        {
            string rest = request.Stops.Push(request.Detokenizer.Flush());
            text += request.Stops.Stopped ? rest : rest + request.Stops.Flush();
        }

        var usage = new GenerationUsage(request.PromptLength, request.OutputCount, Math.Max(request.CachedPromptTokens, 0));
        request.Emit(new GenerationEvent(text, newTokens, reason, usage, error) { Token = token, Logprob = logprob });
        request.Complete();
        Interlocked.Decrement(ref _outstanding);
        Statistics.RecordFinished(request.PromptLength, reason == FinishReason.Abort);
        _metrics?.Finished(reason.ToWireName(), Times(request), request.PromptLength, request.OutputCount);
    }

    private void DropCancelled()
    {
        List<Request>? cancelled = null;
        foreach (Request request in _scheduler.Running)
        {
            if (request.Cancellation.IsCancellationRequested)
            {
                (cancelled ??= []).Add(request);
            }
        }

        foreach (Request request in _scheduler.Waiting)
        {
            if (request.Cancellation.IsCancellationRequested)
            {
                (cancelled ??= []).Add(request);
            }
        }

        if (cancelled is null)
        {
            return;
        }

        foreach (Request request in cancelled)
        {
            Finish(request, FinishReason.Abort);
        }
    }

    private void FailScheduled(SchedulerOutput output, string message)
    {
        foreach (ScheduledChunk chunk in output.Chunks.ToArray())
        {
            if (chunk.Request.Status == RequestStatus.Running)
            {
                Finish(chunk.Request, FinishReason.Error, error: message);
            }
        }
    }

    private void AbortEverything(FinishReason reason, string message)
    {
        foreach (Request request in _scheduler.Running.Concat(_scheduler.Waiting).ToArray())
        {
            Finish(request, reason, error: message);
        }

        while (_incoming.TryDequeue(out Request? request))
        {
            Finish(request, reason, error: message);
        }
    }

    private static Metrics.RequestTimes Times(Request request)
    {
        long now = Stopwatch.GetTimestamp();
        double? Between(long from, long to) => from == 0 || to == 0 ? null : Stopwatch.GetElapsedTime(from, to).TotalSeconds;
        return new Metrics.RequestTimes(
            Stopwatch.GetElapsedTime(request.ArrivalTimestamp, now).TotalSeconds,
            Between(request.ArrivalTimestamp, request.FirstScheduledTimestamp),
            Between(request.FirstScheduledTimestamp, request.FirstTokenTimestamp),
            Between(request.FirstTokenTimestamp, now));
    }

    public void Dispose()
    {
        if (_stopping && !_loop.IsAlive)
        {
            return;
        }

        _stopping = true;
        _wake.Release();
        _loop.Join();
        _wake.Dispose();
        _metrics?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Engine loop of model {ModelId} failed")]
    private partial void LogLoopFailed(Exception exception, string modelId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Decoding a batch of model {ModelId} failed")]
    private partial void LogDecodeFailed(Exception exception, string modelId);
}
