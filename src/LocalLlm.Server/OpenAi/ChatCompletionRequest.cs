using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalLlm.Server.OpenAi;

/// <summary>The body of POST /v1/chat/completions. Unknown fields are ignored, as OpenAI does.</summary>
internal sealed class ChatCompletionRequest : GenerationRequestBody
{
    [JsonPropertyName("messages")]
    public List<ChatMessage>? Messages { get; set; }

    /// <summary>OpenAI function tools: <c>[{"type": "function", "function": {"name", "description", "parameters"}}]</c>.</summary>
    [JsonPropertyName("tools")]
    public JsonElement? Tools { get; set; }

    /// <summary>"auto", "none", "required" or <c>{"type": "function", "function": {"name": ...}}</c>.</summary>
    [JsonPropertyName("tool_choice")]
    public JsonElement? ToolChoice { get; set; }

    [JsonPropertyName("parallel_tool_calls")]
    public bool? ParallelToolCalls { get; set; }

    /// <summary>Extension (as vLLM and llama-server): extra chat template variables, e.g. <c>{"enable_thinking": false}</c>.</summary>
    [JsonPropertyName("chat_template_kwargs")]
    public JsonElement? ChatTemplateKwargs { get; set; }

    /// <summary>Extension (as llama-server): "auto" (default) returns thinking as reasoning_content, "none" keeps it in content.</summary>
    [JsonPropertyName("reasoning_format")]
    public string? ReasoningFormat { get; set; }

    /// <summary>Return the log probability of each output token.</summary>
    [JsonPropertyName("logprobs")]
    public bool? Logprobs { get; set; }

    /// <summary>0 to 20 most likely alternatives per output token; needs <c>logprobs: true</c>.</summary>
    [JsonPropertyName("top_logprobs")]
    public int? TopLogprobs { get; set; }

    /// <summary><c>{"type": "text"}</c>, <c>{"type": "json_object"}</c> or <c>{"type": "json_schema", "json_schema": {...}}</c>.</summary>
    [JsonPropertyName("response_format")]
    public JsonElement? ResponseFormat { get; set; }

    /// <summary>Audio output parameters: rejected, this server generates text only.</summary>
    [JsonPropertyName("audio")]
    public JsonElement? Audio { get; set; }

    /// <summary>Output modalities: only <c>["text"]</c> is served.</summary>
    [JsonPropertyName("modalities")]
    public JsonElement? Modalities { get; set; }

    /// <summary>Deprecated function calling: rejected with a pointer to <c>tools</c>, so calls are never silently lost.</summary>
    [JsonPropertyName("functions")]
    public JsonElement? Functions { get; set; }

    [JsonPropertyName("function_call")]
    public JsonElement? FunctionCall { get; set; }

    /// <summary>Web search: rejected, data never leaves the box.</summary>
    [JsonPropertyName("web_search_options")]
    public JsonElement? WebSearchOptions { get; set; }
}

internal sealed class ChatMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    /// <summary>A string, or an array of content parts.</summary>
    [JsonPropertyName("content")]
    public JsonElement? Content { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Assistant messages: the calls the model made.</summary>
    [JsonPropertyName("tool_calls")]
    public JsonElement? ToolCalls { get; set; }

    /// <summary>Tool messages: the call this result answers.</summary>
    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; set; }

    /// <summary>Assistant messages: earlier thinking, which some templates show or drop.</summary>
    [JsonPropertyName("reasoning_content")]
    public string? ReasoningContent { get; set; }
}

internal sealed class StreamOptions
{
    [JsonPropertyName("include_usage")]
    public bool? IncludeUsage { get; set; }
}
