using LocalLlm.Server.Models;

namespace LocalLlm.Server.OpenAi;

internal static class OpenAiEndpoints
{
    public static IEndpointRouteBuilder MapOpenAi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder v1 = app.MapGroup("/v1");
        v1.MapPost("/chat/completions", ChatCompletionsEndpoint.Handle);
        v1.MapPost("/completions", CompletionsEndpoint.Handle);
        v1.MapGet("/models", (ModelRegistry registry) => Results.Json(
            new ModelList { Data = registry.Models.Select(ToCard).ToList() },
            OpenAiJsonContext.Wire.ModelList));
        v1.MapGet("/models/{id}", (string id, ModelRegistry registry) => Results.Json(
            ToCard(ModelLookup.Resolve(registry, id)),
            OpenAiJsonContext.Wire.ModelCard));
        v1.MapPost("/embeddings", Embeddings.EmbeddingsEndpoint.Handle);
        return app;
    }

    private static ModelCard ToCard(ModelHost host) => new()
    {
        Id = host.Id,
        Created = host.Created,
        MaxModelLength = host.ContextLength,
    };
}
