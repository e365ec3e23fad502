using System.Diagnostics;
using System.Text;

namespace LocalLlm.Server.Observability;

/// <summary>Whether request and response bodies (prompts and outputs) go into the request log; off unless --log-content.</summary>
internal sealed record RequestLogOptions(bool LogContent)
{
    /// <summary>Most bytes of each body logged with --log-content.</summary>
    public int ContentLimit { get; init; } = 64 * 1024;
}

/// <summary>
/// Writes exactly one line per API request (/v1/...) when it completes, from the <see cref="RequestLogFeature"/> it
/// puts on the context before the endpoint runs. Bodies are read only with <see cref="RequestLogOptions.LogContent"/>:
/// by default neither a prompt nor an output can reach the log, whatever the endpoint does.
/// </summary>
internal sealed partial class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger, RequestLogOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1"))
        {
            await next(context);
            return;
        }

        long start = Stopwatch.GetTimestamp();
        bool fromClient = context.Request.Headers["X-Request-Id"] is [{ Length: > 0 }];
        string requestId = fromClient ? context.Request.Headers["X-Request-Id"].ToString() : context.TraceIdentifier;
        var feature = new RequestLogFeature(start, requestId, fromClient);
        context.Features.Set(feature);
        Stream? originalBody = null;
        TeeStream? responseCopy = null;
        if (options.LogContent)
        {
            context.Request.EnableBuffering();
            originalBody = context.Response.Body;
            responseCopy = new TeeStream(originalBody, options.ContentLimit);
            context.Response.Body = responseCopy;
        }

        int status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        finally
        {
            if (originalBody is not null)
            {
                context.Response.Body = originalBody;
            }

            await WriteAsync(context, feature, status, Stopwatch.GetElapsedTime(start).TotalMilliseconds, responseCopy);
        }
    }

    private async Task WriteAsync(HttpContext context, RequestLogFeature feature, int status, double durationMs, TeeStream? responseCopy)
    {
        LogLevel level = status >= 500 ? LogLevel.Warning : LogLevel.Information;
        if (!logger.IsEnabled(level))
        {
            return;
        }

        string path = context.Request.Path.ToString();
        string method = context.Request.Method;
        double duration = Math.Round(durationMs, 2);
        double? ttftMs = feature.TimeToFirstTokenMs is { } ttft ? Math.Round(ttft, 2) : null;
        bool stream = context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;
        if (responseCopy is null)
        {
            LogRequest(level, method, path, status, duration, feature.RequestId, feature.Model, stream,
                feature.PromptTokens, feature.CachedTokens, feature.CompletionTokens, ttftMs, feature.FinishReason);
            return;
        }

        string requestBody = await ReadRequestBodyAsync(context.Request, options.ContentLimit);
        string responseBody = responseCopy.Captured();
        LogRequestWithContent(level, method, path, status, duration, feature.RequestId, feature.Model, stream,
            feature.PromptTokens, feature.CachedTokens, feature.CompletionTokens, ttftMs, feature.FinishReason, requestBody, responseBody);
    }

    private static async Task<string> ReadRequestBodyAsync(HttpRequest request, int limit)
    {
        try
        {
            request.Body.Position = 0;
            byte[] buffer = new byte[limit];
            int read = 0;
            for (int n; read < limit && (n = await request.Body.ReadAsync(buffer.AsMemory(read), CancellationToken.None)) > 0;)
            {
                read += n;
            }

            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
        {
            // A body the client never finished sending is still a request to log.
            return string.Empty;
        }
    }

    [LoggerMessage(EventId = 1, EventName = "Request", Message = "HTTP {Method} {Path} responded {StatusCode} in {DurationMs} ms; request {RequestId} model {Model} stream {Stream} prompt_tokens {PromptTokens} cached_tokens {CachedTokens} completion_tokens {CompletionTokens} ttft_ms {TtftMs} finish_reason {FinishReason}")]
    private partial void LogRequest(LogLevel level, string method, string path, int statusCode, double durationMs, string requestId, string? model, bool stream,
        int? promptTokens, int? cachedTokens, int? completionTokens, double? ttftMs, string? finishReason);

    [LoggerMessage(EventId = 2, EventName = "RequestWithContent", Message = "HTTP {Method} {Path} responded {StatusCode} in {DurationMs} ms; request {RequestId} model {Model} stream {Stream} prompt_tokens {PromptTokens} cached_tokens {CachedTokens} completion_tokens {CompletionTokens} ttft_ms {TtftMs} finish_reason {FinishReason} request_body {RequestBody} response_body {ResponseBody}")]
    private partial void LogRequestWithContent(LogLevel level, string method, string path, int statusCode, double durationMs, string requestId, string? model, bool stream,
        int? promptTokens, int? cachedTokens, int? completionTokens, double? ttftMs, string? finishReason, string requestBody, string responseBody);

    /// <summary>Writes through to the response and keeps a copy of the first bytes for the log.</summary>
    private sealed class TeeStream(Stream inner, int limit) : Stream
    {
        private readonly MemoryStream _copy = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string Captured() => Encoding.UTF8.GetString(_copy.GetBuffer(), 0, (int)_copy.Length);

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Keep(buffer);
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Keep(ReadOnlySpan<byte> bytes) => _copy.Write(bytes[..Math.Min(bytes.Length, limit - (int)_copy.Length)]);
    }
}
