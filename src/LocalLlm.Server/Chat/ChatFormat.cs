using System.Text.RegularExpressions;

namespace LocalLlm.Server.Chat;

/// <summary>How a model writes tool calls: the syntax its chat template teaches it.</summary>
internal enum ToolCallFormat
{
    /// <summary>The template shows no tool calls; tool calls are neither parsed nor constrained.</summary>
    None,

    /// <summary>Qwen2.5/Qwen3/Hermes: <c>&lt;tool_call&gt;{"name": ..., "arguments": {...}}&lt;/tool_call&gt;</c>.</summary>
    Hermes,

    /// <summary>DeepSeek V3.1: <c>&lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;NAME&lt;｜tool▁sep｜&gt;{...}&lt;｜tool▁call▁end｜&gt;…</c>.</summary>
    DeepSeekV3,

    /// <summary>DeepSeek R1: like V3.1 but <c>function&lt;｜tool▁sep｜&gt;NAME\n```json\n{...}\n```</c> per call.</summary>
    DeepSeekR1,

    /// <summary>Llama 3.x: the whole reply is <c>{"name": ..., "parameters": {...}}</c>.</summary>
    Llama3Json,

    /// <summary>Mistral: <c>[TOOL_CALLS][{"name": ..., "arguments": {...}}, ...]</c>.</summary>
    Mistral,
}

/// <summary>What a chat template implies for parsing and constraining the model's output.</summary>
internal sealed partial record ChatFormat(ToolCallFormat ToolCalls, bool HasThinking, bool ArgumentsAsObject)
{
    public static ChatFormat Detect(string template)
    {
        ToolCallFormat tools =
            template.Contains("<tool_call>", StringComparison.Ordinal) ? ToolCallFormat.Hermes
            : template.Contains("tool▁calls▁begin", StringComparison.Ordinal)
                ? (template.Contains("```json", StringComparison.Ordinal) ? ToolCallFormat.DeepSeekR1 : ToolCallFormat.DeepSeekV3)
            : template.Contains("[TOOL_CALLS]", StringComparison.Ordinal) ? ToolCallFormat.Mistral
            : template.Contains("<|start_header_id|>", StringComparison.Ordinal) && template.Contains("\"parameters\"", StringComparison.Ordinal) ? ToolCallFormat.Llama3Json
            : ToolCallFormat.None;

        // Templates that format assistant tool calls with `arguments | tojson` and no string check (Llama 3.x) expect
        // the arguments as an object, as Hugging Face's own tool-use examples pass them; the others get OpenAI's string.
        bool asObject = ArgumentsToJson().IsMatch(template) && !template.Contains("arguments is string", StringComparison.Ordinal);
        return new ChatFormat(tools, template.Contains("<think>", StringComparison.Ordinal), asObject);
    }

    [GeneratedRegex(@"(?<![\]'])arguments\s*\|\s*tojson")]
    private static partial Regex ArgumentsToJson();
}
