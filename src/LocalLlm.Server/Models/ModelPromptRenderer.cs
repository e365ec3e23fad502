using LocalLlm.Engine.Backend;
using LocalLlm.Server.Chat;
using LocalLlm.Templates;

namespace LocalLlm.Server.Models;

/// <summary>The chat template a generation model is served with, whatever its backend.</summary>
internal static partial class ModelPromptRenderer
{
    /// <param name="configuredTemplate">--chat-template-file or the entry's chat_template; wins over the model's own.</param>
    public static JinjaPromptRenderer Create(
        string modelId, string? configuredTemplate, BackendInfo info, ITokenizer tokenizer, int eosToken, bool addsBos, ILogger logger)
    {
        (ChatTemplate template, string origin) = ChatTemplateSource.Choose(configuredTemplate, info.ChatTemplate);
        var renderer = new JinjaPromptRenderer(template, TokenText(tokenizer, tokenizer.BosToken), TokenText(tokenizer, eosToken), addsBos);
        LogTemplate(logger, modelId, origin, renderer.Format.ToolCalls, renderer.Format.HasThinking);
        return renderer;
    }

    private static string TokenText(ITokenizer tokenizer, int token) =>
        token < 0 ? string.Empty : System.Text.Encoding.UTF8.GetString(tokenizer.TokenBytes(token, renderSpecial: true));

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelId}: chat template from {Origin}; tool calls {ToolCallFormat}, thinking tags {HasThinking}")]
    private static partial void LogTemplate(ILogger logger, string modelId, string origin, ToolCallFormat toolCallFormat, bool hasThinking);
}
