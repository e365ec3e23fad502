using LocalLlm.Engine.Requests;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// Server-sent events in OpenAI's completions shape ("text_completion" chunks): with echo, a first chunk per choice
/// holding its prompt; then a chunk per update that has text or a token's log probabilities, each carrying one
/// choice and its index, choices interleaved as they are generated; a choice's finish reason on its last chunk; an
/// optional usage chunk with no choices once all have finished; then "data: [DONE]".
/// </summary>
internal sealed class CompletionStreamWriter(HttpContext context, string id, string model, long created, bool includeUsage)
{
    private readonly SseWriter _sse = new(context);

    public async Task WriteAsync(ChoiceFanOut choices, IReadOnlyList<CompletionChoiceState> states)
    {
        _sse.Start();
        for (int index = 0; index < states.Count; index++)
        {
            if (states[index].Echo.Length > 0)
            {
                await _sse.WriteAsync(Chunk(index, states[index].Echo, null, null), OpenAiJsonContext.Wire.CompletionResponse);
            }
        }

        bool failed = false;
        await foreach ((int index, GenerationEvent update) in choices.ReadAllAsync(_sse.Aborted))
        {
            if (update.Finish == FinishReason.Error)
            {
                await _sse.WriteGenerationErrorAsync(update.Error);
                failed = true;
                break;
            }

            CompletionChoiceState state = states[index];
            if (state.Add(update))
            {
                await _sse.WriteAsync(Chunk(index, update.Text, state.TakeLogprobs(), update.IsFinal ? state.FinishReason : null), OpenAiJsonContext.Wire.CompletionResponse);
            }
        }

        if (includeUsage && !failed)
        {
            var usageChunk = new CompletionResponse { Id = id, Created = created, Model = model, Choices = [], Usage = choices.Usage };
            await _sse.WriteAsync(usageChunk, OpenAiJsonContext.Wire.CompletionResponse);
        }

        await _sse.DoneAsync();
    }

    private CompletionResponse Chunk(int index, string text, CompletionLogprobs? logprobs, string? finish) => new()
    {
        Id = id,
        Created = created,
        Model = model,
        Choices = [new CompletionChoice { Index = index, Text = text, Logprobs = logprobs, FinishReason = finish }],
    };
}
