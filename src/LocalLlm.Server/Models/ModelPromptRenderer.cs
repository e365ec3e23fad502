using LocalLlm.Engine.Backend;
using LocalLlm.Server.Chat;
using LocalLlm.Templates;

namespace LocalLlm.Server.Models;

/// <summary>The chat template a generation model is served with, whatever its backend.</summary>
internal static class ModelPromptRenderer
{
    /// <param name="configuredTemplate">--chat-template-file or the entry's chat_template; wins over the model's own.</param>
    /// <param name="origin">Where the template came from, for the log.</param>
    public static JinjaPromptRenderer Create(
        string? configuredTemplate, BackendInfo info, ITokenizer tokenizer, int eosToken, bool addsBos, out string origin)
    {
        (ChatTemplate template, origin) = ChatTemplateSource.Choose(configuredTemplate, info.ChatTemplate);
        return new JinjaPromptRenderer(template, TokenText(tokenizer, tokenizer.BosToken), TokenText(tokenizer, eosToken), addsBos);
    }

    private static string TokenText(ITokenizer tokenizer, int token) =>
        token < 0 ? string.Empty : System.Text.Encoding.UTF8.GetString(tokenizer.TokenBytes(token, renderSpecial: true));
}
