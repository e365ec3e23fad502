using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Requests;
using LocalLlm.Server.Hosting;
using LocalLlm.Server.Models;
using LocalLlm.Server.Observability;

namespace LocalLlm.Server.OpenAi;

/// <summary>POST /v1/completions: OpenAI's legacy text completions, the prompt continued as given (no chat template).</summary>
internal static class CompletionsEndpoint
{
    /// <summary>OpenAI's default for this endpoint (chat's is "until the model stops").</summary>
    public const int DefaultMaxTokens = 16;

    public const int MaxLogprobs = 5;

    public static async Task Handle(HttpContext context, ModelRegistry registry, ServerOptions options, ILoggerFactory loggers)
    {
        CompletionRequest request = await RequestBody.ReadAsync(context, OpenAiJsonContext.Wire.CompletionRequest);
        ModelHost model = ModelLookup.Resolve(registry, request.Model);
        int n = ChatRequestValidator.ChoiceCount(request.N, options.MaxChoices);
        Unsupported(request, n);
        IModelBackend backend = model.Engine.Backend;
        List<CompletionPrompt> prompts = CompletionPrompts.Read(request.Prompt, backend.Tokenizer, backend.Info.VocabularySize);
        SamplingParams sampling = SamplingFields.From(request).ToParams() with
        {
            LogitBias = LogitBiasReader.Read(request.LogitBias, backend.Info.VocabularySize),
            Grammar = Grammar(model, request.Grammar),
        };
        var template = new GenerationRequest
        {
            RequestId = "cmpl-" + Guid.NewGuid().ToString("N"),
            PromptTokens = [],
            Sampling = sampling,
            MaxTokens = ChatRequestValidator.MaxTokens(request.MaxTokens, request.MaxCompletionTokens) ?? DefaultMaxTokens,
            StopSequences = ChatRequestValidator.Stop(request.Stop),
            IgnoreEos = request.IgnoreEos ?? false,
            TopLogprobs = request.Logprobs,
        };
        List<GenerationRequest> generations = prompts
            .SelectMany((prompt, p) => ChoiceFanOut.Expand(template with { PromptTokens = prompt.Tokens }, n, p * n))
            .ToList();

        RequestLogFeature? log = context.Features.Get<RequestLogFeature>();
        log?.Start(template.RequestId, model.Id);
        OpenAiLog.EndUser(loggers, template.RequestId, request.User);

        LogprobTokens? logprobs = request.Logprobs is null ? null : new LogprobTokens(backend.Tokenizer, renderSpecial: false);
        CompletionChoiceState[] states = Enumerable.Range(0, generations.Count)
            .Select(i => new CompletionChoiceState(request.Echo == true ? prompts[i / n].Text : string.Empty, logprobs))
            .ToArray();
        using ChoiceFanOut choices = ChoiceFanOut.Start(model.Engine, generations, n, "prompt", log, context.RequestAborted);
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (request.Stream == true)
        {
            var stream = new CompletionStreamWriter(context, template.RequestId, model.Id, created, request.StreamOptions?.IncludeUsage == true);
            await stream.WriteAsync(choices, states);
            return;
        }

        await foreach ((int index, GenerationEvent update) in choices.ReadAllAsync(context.RequestAborted))
        {
            if (update.Finish == FinishReason.Error)
            {
                throw new ApiException(StatusCodes.Status500InternalServerError, update.Error ?? "Generation failed.", "server_error");
            }

            states[index].Add(update);
        }

        var response = new CompletionResponse
        {
            Id = template.RequestId,
            Created = created,
            Model = model.Id,
            Choices = states.Select((s, i) => new CompletionChoice { Index = i, Text = s.Text, Logprobs = s.TakeLogprobs(), FinishReason = s.FinishReason }).ToList(),
            Usage = choices.Usage,
        };
        await Results.Json(response, OpenAiJsonContext.Wire.CompletionResponse).ExecuteAsync(context);
    }

    private static void Unsupported(CompletionRequest request, int n)
    {
        if (!string.IsNullOrEmpty(request.Suffix))
        {
            throw ApiException.BadRequest("'suffix' (text to insert before) is not supported by this server; send the prompt alone.", "suffix");
        }

        if (request.BestOf is int bestOf && bestOf != 1 && bestOf != n)
        {
            throw ApiException.BadRequest(
                $"'best_of' = {bestOf} is not supported: this server returns every choice it generates, so 'best_of' may only be 1 or equal to 'n' ({n}).", "best_of");
        }

        if (request.Logprobs is int logprobs && (logprobs < 0 || logprobs > MaxLogprobs))
        {
            throw ApiException.BadRequest($"'logprobs' must be between 0 and {MaxLogprobs}, got {logprobs}.", "logprobs");
        }
    }

    /// <summary>The <c>grammar</c> extension, parsed by the backend first so a bad one is the client's 400.</summary>
    private static string? Grammar(ModelHost model, string? grammar)
    {
        if (string.IsNullOrWhiteSpace(grammar))
        {
            return null;
        }

        if (model.ValidateGrammar is not { } validate)
        {
            throw ApiException.BadRequest($"The model '{model.Id}' takes no grammar.", "grammar");
        }

        try
        {
            validate(grammar);
        }
        catch (Exception e) when (e is not ApiException)
        {
            throw ApiException.BadRequest($"The grammar was rejected: {e.Message}", "grammar");
        }

        return grammar;
    }
}
