using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using LocalLlm.Engine.Requests;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// Server-sent events in OpenAI's shape: a first chunk with the role, content chunks, the finish reason on the last
/// content chunk, an optional usage chunk with no choices, then "data: [DONE]".
/// </summary>
internal static class ChatStreamWriter
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static async Task WriteAsync(HttpContext context, ChannelReader<GenerationEvent> events, string id, string model, long created, bool includeUsage)
    {
        HttpResponse response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        CancellationToken aborted = context.RequestAborted;

        await WriteEventAsync(response, Chunk(id, model, created, new ChunkDelta { Role = "assistant", Content = string.Empty }, null), OpenAiJsonContext.Wire.ChatCompletionChunk, aborted);
        await foreach (GenerationEvent update in events.ReadAllAsync(aborted))
        {
            if (update.Finish == FinishReason.Error)
            {
                var error = new ApiException(StatusCodes.Status500InternalServerError, update.Error ?? "Generation failed.", "server_error");
                await WriteEventAsync(response, error.ToResponse(), OpenAiJsonContext.Wire.ErrorResponse, aborted);
                break;
            }

            if (update.Text.Length == 0 && !update.IsFinal)
            {
                continue;
            }

            string? finish = update.Finish is { } reason ? FinishReasons.Name(reason) : null;
            var delta = new ChunkDelta { Content = update.Text.Length > 0 ? update.Text : null };
            await WriteEventAsync(response, Chunk(id, model, created, delta, finish), OpenAiJsonContext.Wire.ChatCompletionChunk, aborted);
            if (update.IsFinal && includeUsage)
            {
                var usageChunk = new ChatCompletionChunk { Id = id, Created = created, Model = model, Choices = [], Usage = Usages.From(update.Usage) };
                await WriteEventAsync(response, usageChunk, OpenAiJsonContext.Wire.ChatCompletionChunk, aborted);
            }
        }

        await response.Body.WriteAsync(Done, aborted);
        await response.Body.FlushAsync(aborted);
    }

    private static ChatCompletionChunk Chunk(string id, string model, long created, ChunkDelta delta, string? finish) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices = [new ChunkChoice { Delta = delta, FinishReason = finish }],
    };

    private static async Task WriteEventAsync<T>(HttpResponse response, T payload, JsonTypeInfo<T> type, CancellationToken aborted)
    {
        await response.Body.WriteAsync(DataPrefix, aborted);
        await JsonSerializer.SerializeAsync(response.Body, payload, type, aborted);
        await response.Body.WriteAsync(EventEnd, aborted);
        await response.Body.FlushAsync(aborted);
    }
}
