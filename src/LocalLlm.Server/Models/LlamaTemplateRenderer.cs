using System.Text;
using LocalLlm.Backends.LlamaCpp;

namespace LocalLlm.Server.Models;

/// <summary>
/// Renders with llama.cpp's built-in chat formats, chosen from the model's own template; a model whose template
/// llama.cpp does not recognise (or that carries none) is prompted with ChatML.
/// </summary>
internal sealed class LlamaTemplateRenderer(LlamaCppBackend backend) : IPromptRenderer
{
    public string Render(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt)
    {
        var pairs = messages.Select(m => (m.Role, m.Content)).ToArray();
        return backend.ApplyChatTemplate(pairs, addGenerationPrompt) ?? ChatMl(messages, addGenerationPrompt);
    }

    private static string ChatMl(IReadOnlyList<PromptMessage> messages, bool addGenerationPrompt)
    {
        var prompt = new StringBuilder();
        foreach (PromptMessage message in messages)
        {
            prompt.Append("<|im_start|>").Append(message.Role).Append('\n').Append(message.Content).Append("<|im_end|>\n");
        }

        if (addGenerationPrompt)
        {
            prompt.Append("<|im_start|>assistant\n");
        }

        return prompt.ToString();
    }
}
