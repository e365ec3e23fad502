using System.Text.Json.Serialization;

namespace LocalLlm.Server.OpenAi;

internal sealed class ChatCompletionResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object => "chat.completion";

    [JsonPropertyName("created")]
    public required long Created { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("system_fingerprint")]
    public string SystemFingerprint => ServerInfo.SystemFingerprint;

    [JsonPropertyName("choices")]
    public required List<ChatChoice> Choices { get; init; }

    [JsonPropertyName("usage")]
    public required Usage Usage { get; init; }
}

internal sealed class ChatChoice
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("message")]
    public required AssistantMessage Message { get; init; }

    /// <summary>Null unless the request set <c>logprobs: true</c>.</summary>
    [JsonPropertyName("logprobs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ChatLogprobs? Logprobs { get; init; }

    [JsonPropertyName("finish_reason")]
    public required string FinishReason { get; init; }
}

/// <summary>The log probabilities of a choice's tokens (in a stream: of the tokens in this chunk).</summary>
internal sealed class ChatLogprobs
{
    [JsonPropertyName("content")]
    public required List<ChatTokenLogprob> Content { get; init; }

    [JsonPropertyName("refusal")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<ChatTokenLogprob>? Refusal { get; init; }
}

internal sealed class ChatTokenLogprob
{
    [JsonPropertyName("token")]
    public required string Token { get; init; }

    /// <summary>Under the model's own distribution, before sampling settings (temperature, penalties, bias) apply.</summary>
    [JsonPropertyName("logprob")]
    public required float Logprob { get; init; }

    /// <summary>The token's UTF-8 bytes; a token may hold only part of a character, which its text cannot show.</summary>
    [JsonPropertyName("bytes")]
    public required int[] Bytes { get; init; }

    /// <summary>Absent on the alternatives themselves.</summary>
    [JsonPropertyName("top_logprobs")]
    public List<ChatTokenLogprob>? TopLogprobs { get; init; }
}

internal sealed class AssistantMessage
{
    [JsonPropertyName("role")]
    public string Role => "assistant";

    /// <summary>Null when the reply is only tool calls.</summary>
    [JsonPropertyName("content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public required string? Content { get; init; }

    /// <summary>Extension (as DeepSeek, vLLM and llama-server): the model's thinking, apart from the answer.</summary>
    [JsonPropertyName("reasoning_content")]
    public string? ReasoningContent { get; init; }

    [JsonPropertyName("tool_calls")]
    public List<ToolCallMessage>? ToolCalls { get; init; }
}

internal sealed class ToolCallMessage
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("type")]
    public string Type => "function";

    [JsonPropertyName("function")]
    public required FunctionCall Function { get; init; }
}

internal sealed class FunctionCall
{
    /// <summary>In a stream: only in the first delta of a call.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>A JSON text; in a stream, the pieces of it.</summary>
    [JsonPropertyName("arguments")]
    public string? Arguments { get; init; }
}

/// <summary>A piece of a tool call in a stream: the first carries id, type and name, the next ones argument text.</summary>
internal sealed class ToolCallDelta
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("function")]
    public required FunctionCall Function { get; init; }
}

internal sealed class Usage
{
    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; init; }

    [JsonPropertyName("completion_tokens")]
    public int CompletionTokens { get; init; }

    [JsonPropertyName("total_tokens")]
    public int TotalTokens => PromptTokens + CompletionTokens;

    [JsonPropertyName("prompt_tokens_details")]
    public PromptTokensDetails PromptTokensDetails { get; init; } = new();
}

internal sealed class PromptTokensDetails
{
    [JsonPropertyName("cached_tokens")]
    public int CachedTokens { get; init; }
}

internal sealed class ChatCompletionChunk
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object => "chat.completion.chunk";

    [JsonPropertyName("created")]
    public required long Created { get; init; }

    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("system_fingerprint")]
    public string SystemFingerprint => ServerInfo.SystemFingerprint;

    [JsonPropertyName("choices")]
    public required List<ChunkChoice> Choices { get; init; }

    /// <summary>Only on the extra last chunk when stream_options.include_usage is set; null elsewhere as OpenAI sends it.</summary>
    [JsonPropertyName("usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public Usage? Usage { get; init; }
}

internal sealed class ChunkChoice
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    [JsonPropertyName("delta")]
    public required ChunkDelta Delta { get; init; }

    [JsonPropertyName("logprobs")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ChatLogprobs? Logprobs { get; init; }

    [JsonPropertyName("finish_reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }
}

internal sealed class ChunkDelta
{
    [JsonPropertyName("role")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; init; }

    [JsonPropertyName("content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Content { get; init; }

    [JsonPropertyName("reasoning_content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ReasoningContent { get; init; }

    [JsonPropertyName("tool_calls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<ToolCallDelta>? ToolCalls { get; init; }
}

internal sealed class ModelList
{
    [JsonPropertyName("object")]
    public string Object => "list";

    [JsonPropertyName("data")]
    public required List<ModelCard> Data { get; init; }
}

internal sealed class ModelCard
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object => "model";

    [JsonPropertyName("created")]
    public required long Created { get; init; }

    [JsonPropertyName("owned_by")]
    public string OwnedBy => "localllm";

    /// <summary>Extension: most tokens (prompt + completion) one request may use.</summary>
    [JsonPropertyName("max_model_len")]
    public int MaxModelLength { get; init; }
}
