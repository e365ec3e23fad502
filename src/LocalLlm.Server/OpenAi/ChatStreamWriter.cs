using LocalLlm.Engine.Requests;
using LocalLlm.Server.Chat;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// Server-sent events in OpenAI's shape: a first chunk with the role for each choice, then one chunk per parsed delta
/// (content, reasoning_content, or a tool call: id, type and name first, then its argument text), each carrying one
/// choice and its index, choices interleaved as they are generated; a choice's finish reason on its last chunk; an
/// optional usage chunk with no choices once all have finished; then "data: [DONE]".
/// </summary>
internal sealed class ChatStreamWriter(HttpContext context, string id, string model, long created, bool includeUsage)
{
    private readonly SseWriter _sse = new(context);

    /// <param name="parsers">One per choice, by index.</param>
    /// <param name="logprobs">Set when the request asked for log probabilities: each chunk carries those of its tokens.</param>
    public async Task WriteAsync(ChoiceFanOut choices, IReadOnlyList<ChatOutputParser> parsers, LogprobTokens? logprobs)
    {
        _sse.Start();
        for (int index = 0; index < parsers.Count; index++)
        {
            await _sse.WriteAsync(Chunk(index, new ChunkDelta { Role = "assistant", Content = string.Empty }, null, null), OpenAiJsonContext.Wire.ChatCompletionChunk);
        }

        // Tokens whose text the parser still holds back: their log probabilities go with the next chunk of that choice.
        var pending = new List<ChatTokenLogprob>?[parsers.Count];
        bool failed = false;
        await foreach ((int index, GenerationEvent update) in choices.ReadAllAsync(_sse.Aborted))
        {
            if (update.Finish == FinishReason.Error)
            {
                await _sse.WriteGenerationErrorAsync(update.Error);
                failed = true;
                break;
            }

            if (logprobs is not null && update.Logprob is { } logprob)
            {
                (pending[index] ??= []).Add(logprobs.Chat(logprob));
            }

            ChatOutputParser parser = parsers[index];
            List<ChatDelta> deltas = parser.Push(update.Text);
            if (update.IsFinal)
            {
                deltas.AddRange(parser.Finish());
            }

            string? finish = update.Finish is { } reason ? FinishReasons.Name(reason, parser.ToolCallCount) : null;
            for (int i = 0; i < deltas.Count; i++)
            {
                await _sse.WriteAsync(Chunk(index, ToWire(deltas[i]), i == deltas.Count - 1 ? finish : null, Take(pending, index)), OpenAiJsonContext.Wire.ChatCompletionChunk);
            }

            if (update.IsFinal && deltas.Count == 0)
            {
                await _sse.WriteAsync(Chunk(index, new ChunkDelta(), finish, Take(pending, index)), OpenAiJsonContext.Wire.ChatCompletionChunk);
            }
        }

        if (includeUsage && !failed)
        {
            var usageChunk = new ChatCompletionChunk { Id = id, Created = created, Model = model, Choices = [], Usage = choices.Usage };
            await _sse.WriteAsync(usageChunk, OpenAiJsonContext.Wire.ChatCompletionChunk);
        }

        await _sse.DoneAsync();
    }

    private static ChatLogprobs? Take(List<ChatTokenLogprob>?[] pending, int index)
    {
        List<ChatTokenLogprob>? tokens = pending[index];
        pending[index] = null;
        return tokens is null ? null : new ChatLogprobs { Content = tokens };
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

    private ChatCompletionChunk Chunk(int index, ChunkDelta delta, string? finish, ChatLogprobs? logprobs) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices = [new ChunkChoice { Index = index, Delta = delta, FinishReason = finish, Logprobs = logprobs }],
    };
}
