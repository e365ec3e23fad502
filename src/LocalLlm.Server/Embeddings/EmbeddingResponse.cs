using System.Text.Json.Serialization;

namespace LocalLlm.Server.Embeddings;

internal sealed class EmbeddingResponse
{
    [JsonPropertyName("object")]
    public string Object => "list";

    [JsonPropertyName("data")]
    public required List<EmbeddingItem> Data { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("usage")]
    public required EmbeddingUsage Usage { get; init; }
}

internal sealed class EmbeddingItem
{
    [JsonPropertyName("object")]
    public string Object => "embedding";

    [JsonPropertyName("index")]
    public required int Index { get; init; }

    [JsonPropertyName("embedding")]
    public required EmbeddingVector Embedding { get; init; }
}

internal sealed class EmbeddingUsage
{
    [JsonPropertyName("prompt_tokens")]
    public required int PromptTokens { get; init; }

    [JsonPropertyName("total_tokens")]
    public required int TotalTokens { get; init; }
}
