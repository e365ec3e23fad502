using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LocalLlm.Server.OpenAi;

/// <summary>The server-sent-events framing both streaming endpoints use: "data: JSON" events, flushed one by one.</summary>
internal sealed class SseWriter(HttpContext context)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly HttpResponse _response = context.Response;

    public CancellationToken Aborted { get; } = context.RequestAborted;

    public void Start()
    {
        _response.ContentType = "text/event-stream; charset=utf-8";
        _response.Headers.CacheControl = "no-cache";
        _response.Headers["X-Accel-Buffering"] = "no";
    }

    public async Task WriteAsync<T>(T payload, JsonTypeInfo<T> type)
    {
        await _response.Body.WriteAsync(DataPrefix, Aborted);
        await JsonSerializer.SerializeAsync(_response.Body, payload, type, Aborted);
        await _response.Body.WriteAsync(EventEnd, Aborted);
        await _response.Body.FlushAsync(Aborted);
    }

    /// <summary>A generation that failed mid-stream: the headers are gone, so the error travels as an event.</summary>
    public Task WriteGenerationErrorAsync(string? message) => WriteAsync(
        new ApiException(StatusCodes.Status500InternalServerError, message ?? "Generation failed.", "server_error").ToResponse(),
        OpenAiJsonContext.Wire.ErrorResponse);

    public async Task DoneAsync()
    {
        await _response.Body.WriteAsync(Done, Aborted);
        await _response.Body.FlushAsync(Aborted);
    }
}
