namespace LocalLlm.Server.Chat;

/// <summary>
/// The template used when a model file carries none and no override is configured: ChatML, with tools offered and
/// called in the Hermes <c>&lt;tool_call&gt;</c> syntax (as Qwen2.5 does) so tool calling still works.
/// </summary>
internal static class ChatMlTemplate
{
    public const string Source = """
        {%- if tools %}
        {{- '<|im_start|>system\n' }}
        {%- if messages[0].role == 'system' %}{{- messages[0].content + '\n\n' }}{%- endif %}
        {{- '# Tools\n\nYou may call one or more functions. Function signatures are within <tools></tools>:\n<tools>' }}
        {%- for tool in tools %}{{- '\n' + (tool | tojson) }}{%- endfor %}
        {{- '\n</tools>\n\nFor each call, return a JSON object within <tool_call></tool_call> tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n' }}
        {%- elif messages[0].role == 'system' %}
        {{- '<|im_start|>system\n' + messages[0].content + '<|im_end|>\n' }}
        {%- endif %}
        {%- for message in messages %}
        {%- if message.role == 'system' and loop.first %}
        {%- elif message.role == 'tool' %}
        {{- '<|im_start|>user\n<tool_response>\n' + message.content + '\n</tool_response><|im_end|>\n' }}
        {%- else %}
        {{- '<|im_start|>' + message.role + '\n' + (message.content or '') }}
        {%- for call in message.tool_calls or [] %}
        {{- '\n<tool_call>\n{"name": "' + call.function.name + '", "arguments": ' + call.function.arguments + '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
        {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}{{- '<|im_start|>assistant\n' }}{%- endif %}
        """;
}
