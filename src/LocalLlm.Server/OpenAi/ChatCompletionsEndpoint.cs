using System.Text.Json;
using System.Threading.Channels;
using LocalLlm.Engine;
using LocalLlm.Engine.Requests;
using LocalLlm.Server.Chat;
using LocalLlm.Server.Hosting;
using LocalLlm.Server.Models;
using LocalLlm.Server.Observability;

namespace LocalLlm.Server.OpenAi;

internal static class ChatCompletionsEndpoint
{
    public static async Task Handle(HttpContext context, ModelRegistry registry, ServerOptions options, ILoggerFactory loggers)
    {
        ChatCompletionRequest request = await RequestBody.ReadAsync(context, OpenAiJsonContext.Wire.ChatCompletionRequest);
        ModelHost model = ModelLookup.Resolve(registry, request.Model);
        int n = ChatRequestValidator.ChoiceCount(request.N, options.MaxChoices);
        int? topLogprobs = ChatRequestValidator.TopLogprobs(request);
        IReadOnlyList<KeyValuePair<int, float>> logitBias = LogitBiasReader.Read(request.LogitBias, model.Engine.Backend.Info.VocabularySize);
        ChatPlan plan = ChatPlan.Build(request, model);
        var generation = new GenerationRequest
        {
            RequestId = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            PromptTokens = plan.PromptTokens,
            Sampling = logitBias.Count == 0 ? plan.Sampling : plan.Sampling with { LogitBias = logitBias },
            MaxTokens = ChatRequestValidator.MaxTokens(request.MaxTokens, request.MaxCompletionTokens),
            StopSequences = ChatRequestValidator.Stop(request.Stop),
            IgnoreEos = request.IgnoreEos ?? false,
            RenderSpecialTokens = plan.RenderSpecialTokens,
            TopLogprobs = topLogprobs,
        };

        RequestLogFeature? log = context.Features.Get<RequestLogFeature>();
        log?.Start(generation.RequestId, model.Id);
        OpenAiLog.EndUser(loggers, generation.RequestId, request.User);

        ChatOutputParser[] parsers = [plan.Parser, .. Enumerable.Range(1, n - 1).Select(_ => plan.Parser.CreateFresh())];
        LogprobTokens? logprobs = topLogprobs is null ? null : new LogprobTokens(model.Engine.Backend.Tokenizer, plan.RenderSpecialTokens);
        using ChoiceFanOut choices = ChoiceFanOut.Start(model.Engine, ChoiceFanOut.Expand(generation, n).ToList(), n, "messages", log, context.RequestAborted);
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (request.Stream == true)
        {
            var stream = new ChatStreamWriter(context, generation.RequestId, model.Id, created, request.StreamOptions?.IncludeUsage == true);
            await stream.WriteAsync(choices, parsers, logprobs);
            return;
        }

        ChatResultBuilder[] results = parsers.Select(_ => new ChatResultBuilder()).ToArray();
        List<ChatTokenLogprob>[] tokenLogprobs = parsers.Select(_ => new List<ChatTokenLogprob>()).ToArray();
        var finishes = new string[n];
        await foreach ((int index, GenerationEvent update) in choices.ReadAllAsync(context.RequestAborted))
        {
            if (update.Finish == FinishReason.Error)
            {
                throw new ApiException(StatusCodes.Status500InternalServerError, update.Error ?? "Generation failed.", "server_error");
            }

            if (logprobs is not null && update.Logprob is { } logprob)
            {
                tokenLogprobs[index].Add(logprobs.Chat(logprob));
            }

            results[index].AddRange(parsers[index].Push(update.Text));
            if (update.IsFinal)
            {
                results[index].AddRange(parsers[index].Finish());
                finishes[index] = FinishReasons.Name(update.Finish!.Value, parsers[index].ToolCallCount);
            }
        }

        var response = new ChatCompletionResponse
        {
            Id = generation.RequestId,
            Created = created,
            Model = model.Id,
            Choices = Enumerable.Range(0, n).Select(i => new ChatChoice
            {
                Index = i,
                Message = Message(results[i]),
                FinishReason = finishes[i],
                Logprobs = logprobs is null ? null : new ChatLogprobs { Content = tokenLogprobs[i] },
            }).ToList(),
            Usage = choices.Usage,
        };
        await Results.Json(response, OpenAiJsonContext.Wire.ChatCompletionResponse).ExecuteAsync(context);
    }

    private static AssistantMessage Message(ChatResultBuilder result) => new()
    {
        Content = result.Content,
        ReasoningContent = result.Reasoning,
        ToolCalls = result.ToolCalls.Count == 0 ? null : result.ToolCalls
            .Select(c => new ToolCallMessage { Id = c.Id, Function = new FunctionCall { Name = c.Name, Arguments = c.Arguments } })
            .ToList(),
    };
}

internal static class EngineSubmission
{
    /// <param name="promptParam">The request field an error about the prompt names: "messages" or "prompt".</param>
    public static ChannelReader<GenerationEvent> Submit(LlmEngine engine, GenerationRequest generation, string promptParam, CancellationToken cancellation)
    {
        try
        {
            return engine.Submit(generation, cancellation);
        }
        catch (EngineRejectedException rejected)
        {
            throw rejected.Reason switch
            {
                RejectionReason.ContextLengthExceeded => ApiException.BadRequest(rejected.Message, promptParam, "context_length_exceeded"),
                RejectionReason.QueueFull => new ApiException(StatusCodes.Status429TooManyRequests, rejected.Message, "rate_limit_exceeded", null, "rate_limit_exceeded"),
                RejectionReason.ShuttingDown => new ApiException(StatusCodes.Status503ServiceUnavailable, rejected.Message, "server_error", null, "service_unavailable"),
                _ => ApiException.BadRequest(rejected.Message, promptParam),
            };
        }
    }
}

internal static class FinishReasons
{
    /// <summary>A reply that ended by itself after making calls finishes with "tool_calls", as OpenAI's do.</summary>
    public static string Name(FinishReason reason, int toolCalls = 0) =>
        reason == FinishReason.Stop && toolCalls > 0 ? "tool_calls" : reason.ToWireName();
}

internal static class Usages
{
    public static Usage From(GenerationUsage usage) => new()
    {
        PromptTokens = usage.PromptTokens,
        CompletionTokens = usage.CompletionTokens,
        PromptTokensDetails = new PromptTokensDetails { CachedTokens = usage.CachedPromptTokens },
    };
}

internal static class ModelLookup
{
    public static ModelHost Resolve(ModelRegistry registry, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw ApiException.BadRequest("You must provide a model parameter.", "model");
        }

        return registry.Find(id)
            ?? throw new ApiException(StatusCodes.Status404NotFound, $"The model '{id}' does not exist.", "invalid_request_error", "model", "model_not_found");
    }
}

internal static class RequestBody
{
    public static async Task<T> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        if (context.Request.ContentType is { } contentType && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest($"Content-Type must be application/json, got '{contentType}'.");
        }

        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted)
                ?? throw ApiException.BadRequest("The request body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            string? param = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            throw ApiException.BadRequest($"We could not parse the JSON body of your request: {ex.Message}", param);
        }
    }
}
