using LocalLlm.Templates;

namespace LocalLlm.Server.Chat;

/// <summary>Chooses a model's chat template: an override (file or inline text), else the model file's own, else ChatML.</summary>
internal static class ChatTemplateSource
{
    /// <summary>Template text rather than a path: it holds a Jinja tag.</summary>
    public static bool IsInline(string value) => value.Contains("{{", StringComparison.Ordinal) || value.Contains("{%", StringComparison.Ordinal);

    /// <returns>The parsed template and where it came from, for the load log.</returns>
    /// <exception cref="InvalidOperationException">An override that is missing or does not parse: the server must not start with it.</exception>
    public static (ChatTemplate Template, string Origin) Choose(string? overrideValue, string? modelTemplate)
    {
        if (overrideValue is { } value)
        {
            bool inline = IsInline(value);
            string origin = inline ? "inline chat_template" : value;
            if (!inline && !File.Exists(value))
            {
                throw new InvalidOperationException($"Chat template file not found: {value}");
            }

            try
            {
                return (ChatTemplate.Parse(inline ? value : File.ReadAllText(value)), origin);
            }
            catch (TemplateException e)
            {
                throw new InvalidOperationException($"Chat template {origin} does not parse: {e.Describe()}", e);
            }
        }

        if (!string.IsNullOrEmpty(modelTemplate))
        {
            try
            {
                return (ChatTemplate.Parse(modelTemplate), "model file");
            }
            catch (TemplateException e)
            {
                throw new InvalidOperationException(
                    $"The model file's chat template does not parse ({e.Describe()}); pass a working one with --chat-template-file or chat_template in models.yaml.", e);
            }
        }

        return (ChatTemplate.Parse(ChatMlTemplate.Source), "built-in ChatML");
    }
}
