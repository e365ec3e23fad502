using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Kv;
using LocalLlm.Engine.Metrics;
using LocalLlm.Engine.Requests;
using LocalLlm.Engine.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalLlm.Engine;

/// <summary>
/// Continuous batching over one backend. A single loop thread owns the backend: every step it asks the scheduler
/// for work, puts the next token of every decoding sequence and prompt chunks of newly admitted ones into ONE batch,
/// decodes it, samples, and streams text back through each request's channel. Other threads only submit.
/// </summary>
public sealed partial class LlmEngine : IAsyncDisposable, IDisposable
{
    private readonly IModelBackend _backend;
    private readonly ILogger _logger;
    private readonly Scheduler _scheduler;
    private readonly ConcurrentQueue<Request> _incoming = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Thread _loop;
    private readonly BatchToken[] _batch;
    private readonly int[] _logitIndex;
    private readonly int _maxOutstanding;
    private int _outstanding;
    private int _runningSnapshot;
    private int _waitingSnapshot;
    private int _blocksUsedSnapshot;
    private int _blocksIdleCachedSnapshot;
    private readonly EngineMetrics? _metrics;
    private volatile bool _stopping;

    public LlmEngine(IModelBackend backend, EngineOptions options, ILogger<LlmEngine>? logger = null)
    {
        _backend = backend;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        BackendInfo info = backend.Info;
        SchedulerOptions schedulerOptions = options.Scheduler with
        {
            MaxBatchTokens = Math.Min(options.Scheduler.MaxBatchTokens, info.MaxBatchTokens),
            MaxRunningRequests = Math.Min(options.Scheduler.MaxRunningRequests, info.MaxSequences),
        };
        ModelId = options.ModelId;
        int blocks = info.ContextSize / options.BlockSize;
        ContextLimit = Math.Min(blocks * options.BlockSize, info.TrainContextLength > 0 ? info.TrainContextLength : int.MaxValue);

        // Sequence ids past the running ones hold cached prefixes of finished requests. A backend that cannot share
        // cells between sequences gets neither prefix caching nor holders.
        int running = Math.Min(schedulerOptions.MaxRunningRequests, info.MaxSequences);
        bool prefixCaching = options.EnablePrefixCaching && info.SupportsPrefixSharing;
        IEnumerable<int> holders = prefixCaching ? Enumerable.Range(running, info.MaxSequences - running) : [];
        PrefixCaching = prefixCaching;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxIdleCacheFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxIdleCacheFraction, 1.0);
        var kv = new KvCacheManager(
            blocks, options.BlockSize, prefixCaching, new BackendCells(backend), holders, (int)(blocks * options.MaxIdleCacheFraction));
        _scheduler = new Scheduler(schedulerOptions with { MaxRunningRequests = running }, new SequenceSlots(running), kv);
        _batch = new BatchToken[schedulerOptions.MaxBatchTokens];
        _logitIndex = new int[schedulerOptions.MaxBatchTokens];
        _maxOutstanding = schedulerOptions.MaxRunningRequests + schedulerOptions.MaxWaitingRequests;
        _metrics = !options.EnableMetrics ? null : new EngineMetrics(options.ModelId, () => new EngineGauges(
            Volatile.Read(ref _runningSnapshot),
            Volatile.Read(ref _waitingSnapshot),
            Statistics.KvCacheUsage,
            kv.TotalBlocks,
            Volatile.Read(ref _blocksUsedSnapshot),
            Volatile.Read(ref _blocksIdleCachedSnapshot)));
        _loop = new Thread(Run) { IsBackground = true, Name = $"engine:{options.ModelId}" };
        _loop.Start();
    }

    public string ModelId { get; }

    /// <summary>Most tokens (prompt + completion) one request may hold.</summary>
    public int ContextLimit { get; }

    public IModelBackend Backend => _backend;

    /// <summary>Whether finished requests' full blocks are kept and shared with later requests of the same prefix.</summary>
    public bool PrefixCaching { get; }

    public EngineStatistics Statistics { get; } = new();

    /// <summary>Requests holding a sequence and KV cells, as of the last step.</summary>
    public int RunningRequests => Volatile.Read(ref _runningSnapshot);

    /// <summary>True while the loop thread runs; false after a fatal error or disposal.</summary>
    public bool IsAlive => _loop.IsAlive && !_stopping;

    /// <summary>
    /// Queues a generation. The returned reader yields text updates and completes after the final one.
    /// Cancelling <paramref name="cancellation"/> aborts the request at the next step and frees its KV cells.
    /// </summary>
    /// <exception cref="EngineRejectedException">The request cannot be served; nothing was queued.</exception>
    public ChannelReader<GenerationEvent> Submit(GenerationRequest request, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_stopping)
        {
            throw new EngineRejectedException(RejectionReason.ShuttingDown, "The engine is shutting down.");
        }

        int prompt = request.PromptTokens.Count;
        if (prompt == 0)
        {
            throw new EngineRejectedException(RejectionReason.EmptyPrompt, "The prompt has no tokens.");
        }

        int requested = prompt + (request.MaxTokens ?? 1);
        if (requested > ContextLimit)
        {
            string detail = request.MaxTokens is int max
                ? $"you requested {requested} tokens ({prompt} in the prompt, {max} for the completion)"
                : $"your prompt has {prompt} tokens and no room is left for the completion";
            throw new EngineRejectedException(
                RejectionReason.ContextLengthExceeded,
                $"This model's maximum context length is {ContextLimit} tokens. However, {detail}. Please reduce the length of the messages or completion.");
        }

        if (Interlocked.Increment(ref _outstanding) > _maxOutstanding)
        {
            Interlocked.Decrement(ref _outstanding);
            throw new EngineRejectedException(RejectionReason.QueueFull, "Too many requests are queued; retry later.");
        }

        Channel<GenerationEvent> channel = Channel.CreateUnbounded<GenerationEvent>(
            new UnboundedChannelOptions { SingleWriter = true, SingleReader = true });
        _incoming.Enqueue(new Request(request, ContextLimit, channel.Writer, cancellation));
        _wake.Release();
        return channel.Reader;
    }

    private void Run()
    {
        try
        {
            while (!_stopping)
            {
                if (!_scheduler.HasWork && _incoming.IsEmpty)
                {
                    _wake.Wait(TimeSpan.FromMilliseconds(250));
                    continue;
                }

                Step();
                Volatile.Write(ref _runningSnapshot, _scheduler.Running.Count);
                Volatile.Write(ref _waitingSnapshot, _scheduler.WaitingCount + _incoming.Count);
                Volatile.Write(ref _blocksUsedSnapshot, _scheduler.Kv.TotalBlocks - _scheduler.Kv.FreeBlocks);
                Volatile.Write(ref _blocksIdleCachedSnapshot, _scheduler.Kv.IdleCachedBlocks);
                Statistics.RecordSchedule(0, 0, 0, _scheduler.Kv.Usage);
            }
        }
        catch (Exception ex)
        {
            LogLoopFailed(ex, ModelId);
            _stopping = true;
        }
        finally
        {
            AbortEverything(FinishReason.Abort, "The engine stopped.");
        }
    }

    private void Step()
    {
        long stepStart = Stopwatch.GetTimestamp();
        while (_incoming.TryDequeue(out Request? request))
        {
            // A sampler the backend refuses (a grammar it cannot parse or does not support) fails this request only.
            try
            {
                request.Sampler = _backend.CreateSampler(request.Source.Sampling);
            }
            catch (Exception ex)
            {
                Finish(request, FinishReason.Error, error: ex.Message);
                continue;
            }

            _scheduler.Add(request);
        }

        DropCancelled();
        SchedulerOutput output = _scheduler.Schedule();
        Statistics.RecordSchedule(output.Preempted.Count, output.PrefixQueries, output.PrefixHits, _scheduler.Kv.Usage);
        if (output.Preempted.Count > 0)
        {
            _metrics?.Preempted(output.Preempted.Count);
        }

        if (output.PrefixQueries > 0)
        {
            _metrics?.PrefixLookup(output.PrefixQueries, output.PrefixHits);
        }

        if (output.Chunks.Count == 0)
        {
            return;
        }

        int count = BuildBatch(output);
        DecodeStatus status;
        long decodeStart = Stopwatch.GetTimestamp();
        try
        {
            status = _backend.Decode(_batch.AsSpan(0, count));
        }
        catch (Exception ex)
        {
            LogDecodeFailed(ex, ModelId);
            FailScheduled(output, ex.Message);
            return;
        }

        if (status == DecodeStatus.NoKvSlot)
        {
            // The backend's cells are fragmented or shared differently than counted: recompute the newest request later.
            if (_scheduler.PreemptLast() is not null)
            {
                Statistics.RecordSchedule(1, 0, 0, _scheduler.Kv.Usage);
                _metrics?.Preempted(1);
            }

            return;
        }

        if (status != DecodeStatus.Ok)
        {
            FailScheduled(output, $"Decoding failed with status {status}.");
            return;
        }

        long decodeTicks = Stopwatch.GetTimestamp() - decodeStart;
        Statistics.RecordStep(output.Chunks.Count, count);
        _metrics?.Step(count);
        for (int i = 0; i < output.Chunks.Count; i++)
        {
            ScheduledChunk chunk = output.Chunks[i];
            Request request = chunk.Request;
            request.NumComputed += chunk.TokenCount;
            _scheduler.Kv.CommitComputed(request);
            if (request.PendingTokens == 0)
            {
                int token = request.Sampler!.Sample(_logitIndex[i]);
                TokenLogprob? logprob = request.Source.TopLogprobs is int top
                    ? Text.Logprobs.Compute(_backend.GetLogits(_logitIndex[i]), token, top)
                    : null;
                OnTokenSampled(request, token, logprob);
            }
        }

        Statistics.RecordTiming(Stopwatch.GetTimestamp() - stepStart, decodeTicks);
    }

    private int BuildBatch(SchedulerOutput output)
    {
        int count = 0;
        for (int i = 0; i < output.Chunks.Count; i++)
        {
            (Request request, int tokens) = output.Chunks[i];
            request.Sampler ??= _backend.CreateSampler(request.Source.Sampling);
            int end = request.NumComputed + tokens;
            for (int position = request.NumComputed; position < end; position++)
            {
                bool last = position == request.Tokens.Count - 1;
                if (last)
                {
                    _logitIndex[i] = count;
                }

                _batch[count++] = new BatchToken(request.Tokens[position], position, request.SequenceId, last);
            }
        }

        return count;
    }
}
