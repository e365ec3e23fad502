using LocalLlm.Engine.Backend;
using LocalLlm.Server.Models;
using LocalLlm.Server.Observability;
using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.Embeddings;

/// <summary>POST /v1/embeddings: one pooled, L2-normalised vector per input, in input order.</summary>
internal static class EmbeddingsEndpoint
{
    public static async Task Handle(HttpContext context, ModelRegistry registry)
    {
        EmbeddingRequest request = await RequestBody.ReadAsync(context, EmbeddingJsonContext.Wire.EmbeddingRequest);
        ModelHost model = ModelLookup.Resolve(registry, request.Model);
        IEmbeddingModel embedder = model.Embedder;
        bool base64 = ReadEncoding(request.EncodingFormat);
        if (request.Dimensions is { } dimensions && dimensions != embedder.Dimensions)
        {
            throw ApiException.BadRequest(
                $"This model's embeddings have {embedder.Dimensions} dimensions and it can't shorten them; omit 'dimensions' or pass {embedder.Dimensions}.",
                "dimensions");
        }

        List<int[]> inputs = EmbeddingInputReader.Read(request.Input, embedder.Tokenizer);
        int promptTokens = inputs.Sum(i => i.Length);
        RequestLogFeature? log = context.Features.Get<RequestLogFeature>();
        log?.Start("embd-" + Guid.NewGuid().ToString("N"), model.Id);
        if (log is not null)
        {
            log.PromptTokens = promptTokens;
        }

        float[][] vectors;
        try
        {
            vectors = await embedder.EmbedAsync(inputs, context.RequestAborted);
        }
        catch (ArgumentException rejected)
        {
            // The model refuses inputs over its context and token ids outside its vocabulary, naming the numbers.
            string? code = inputs.Any(i => i.Length > embedder.ContextLength) ? "context_length_exceeded" : null;
            throw ApiException.BadRequest(rejected.Message, "input", code);
        }

        var response = new EmbeddingResponse
        {
            Model = model.Id,
            Data = vectors.Select((v, i) => new EmbeddingItem
            {
                Index = i,
                Embedding = base64 ? EmbeddingVector.Base64Of(v) : EmbeddingVector.Floats(v),
            }).ToList(),
            Usage = new EmbeddingUsage { PromptTokens = promptTokens, TotalTokens = promptTokens },
        };
        await Results.Json(response, EmbeddingJsonContext.Wire.EmbeddingResponse).ExecuteAsync(context);
    }

    private static bool ReadEncoding(string? format) => format switch
    {
        null or "float" => false,
        "base64" => true,
        _ => throw ApiException.BadRequest($"'encoding_format' must be 'float' or 'base64', got '{format}'.", "encoding_format"),
    };
}
