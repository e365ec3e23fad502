using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using LocalLlm.Engine.Requests;
using LocalLlm.Server.Chat;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// Server-sent events in OpenAI's shape: a first chunk with the role, then one chunk per parsed delta (content,
/// reasoning_content, or a tool call: id, type and name first, then its argument text), the finish reason on the last
/// chunk, an optional usage chunk with no choices, then "data: [DONE]".
/// </summary>
internal sealed class ChatStreamWriter(HttpContext context, string id, string model, long created, bool includeUsage)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly HttpResponse _response = context.Response;
    private readonly CancellationToken _aborted = context.RequestAborted;

    public async Task WriteAsync(ChannelReader<GenerationEvent> events, ChatOutputParser parser)
    {
        _response.ContentType = "text/event-stream; charset=utf-8";
        _response.Headers.CacheControl = "no-cache";
        _response.Headers["X-Accel-Buffering"] = "no";

        await WriteEventAsync(Chunk(new ChunkDelta { Role = "assistant", Content = string.Empty }, null), OpenAiJsonContext.Wire.ChatCompletionChunk);
        await foreach (GenerationEvent update in events.ReadAllAsync(_aborted))
        {
            if (update.Finish == FinishReason.Error)
            {
                var error = new ApiException(StatusCodes.Status500InternalServerError, update.Error ?? "Generation failed.", "server_error");
                await WriteEventAsync(error.ToResponse(), OpenAiJsonContext.Wire.ErrorResponse);
                break;
            }

            List<ChatDelta> deltas = parser.Push(update.Text);
            if (update.IsFinal)
            {
                deltas.AddRange(parser.Finish());
            }

            string? finish = update.Finish is { } reason ? FinishReasons.Name(reason, parser.ToolCallCount) : null;
            for (int i = 0; i < deltas.Count; i++)
            {
                await WriteEventAsync(Chunk(ToWire(deltas[i]), i == deltas.Count - 1 ? finish : null), OpenAiJsonContext.Wire.ChatCompletionChunk);
            }

            if (update.IsFinal)
            {
                if (deltas.Count == 0)
                {
                    await WriteEventAsync(Chunk(new ChunkDelta(), finish), OpenAiJsonContext.Wire.ChatCompletionChunk);
                }

                if (includeUsage)
                {
                    var usageChunk = new ChatCompletionChunk { Id = id, Created = created, Model = model, Choices = [], Usage = Usages.From(update.Usage) };
                    await WriteEventAsync(usageChunk, OpenAiJsonContext.Wire.ChatCompletionChunk);
                }
            }
        }

        await _response.Body.WriteAsync(Done, _aborted);
        await _response.Body.FlushAsync(_aborted);
    }

    private static ChunkDelta ToWire(ChatDelta delta) => delta.Kind switch
    {
        ChatDeltaKind.Content => new ChunkDelta { Content = delta.Text },
        ChatDeltaKind.Reasoning => new ChunkDelta { ReasoningContent = delta.Text },
        ChatDeltaKind.ToolCallStart => new ChunkDelta
        {
            ToolCalls = [new ToolCallDelta { Index = delta.ToolIndex, Id = delta.ToolCallId, Type = "function", Function = new FunctionCall { Name = delta.Text, Arguments = string.Empty } }],
        },
        _ => new ChunkDelta { ToolCalls = [new ToolCallDelta { Index = delta.ToolIndex, Function = new FunctionCall { Arguments = delta.Text } }] },
    };

    private ChatCompletionChunk Chunk(ChunkDelta delta, string? finish) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices = [new ChunkChoice { Delta = delta, FinishReason = finish }],
    };

    private async Task WriteEventAsync<T>(T payload, JsonTypeInfo<T> type)
    {
        await _response.Body.WriteAsync(DataPrefix, _aborted);
        await JsonSerializer.SerializeAsync(_response.Body, payload, type, _aborted);
        await _response.Body.WriteAsync(EventEnd, _aborted);
        await _response.Body.FlushAsync(_aborted);
    }
}
