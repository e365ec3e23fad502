using System.Text;
using LocalLlm.Backends.LlamaCpp.Native;

namespace LocalLlm.Backends.LlamaCpp;

public sealed partial class LlamaCppBackend
{
    /// <summary>
    /// Formats <paramref name="messages"/> with the model's chat template through llama.cpp's built-in formatters,
    /// which recognise well-known templates (ChatML, Llama 3, ...) by heuristics instead of running Jinja.
    /// Thread-safe.
    /// </summary>
    /// <param name="addAssistant">End with the tokens that open an assistant turn.</param>
    /// <returns>The prompt text, or null when the model has no template or llama.cpp does not recognise it.</returns>
    public unsafe string? ApplyChatTemplate(IReadOnlyList<(string Role, string Content)> messages, bool addAssistant)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var added = false;
        _model.DangerousAddRef(ref added);
        try
        {
            // Owned by the model, which the reference above keeps alive.
            var template = LlamaNative.llama_model_chat_template(_model, null);
            if (template is null)
            {
                return null;
            }

            // One NUL-terminated UTF-8 block for all strings; the native structs point into it while it is pinned.
            var offsets = new (int Role, int Content)[messages.Count];
            var block = new List<byte>(capacity: 256);
            var totalContent = 0;
            for (var i = 0; i < messages.Count; i++)
            {
                var (role, content) = messages[i];
                ArgumentNullException.ThrowIfNull(role);
                ArgumentNullException.ThrowIfNull(content);
                offsets[i].Role = AppendNulTerminated(block, role);
                offsets[i].Content = AppendNulTerminated(block, content);
                totalContent += role.Length + content.Length;
            }

            var strings = block.ToArray();
            var chat = new LlamaChatMessage[messages.Count];
            fixed (byte* stringsPtr = strings)
            fixed (LlamaChatMessage* chatPtr = chat)
            {
                for (var i = 0; i < chat.Length; i++)
                {
                    chat[i].Role = stringsPtr + offsets[i].Role;
                    chat[i].Content = stringsPtr + offsets[i].Content;
                }

                // llama.cpp's own sizing advice: twice the message characters, plus room for the template's markers.
                var buffer = new byte[(2 * totalContent) + 256];
                var length = Format(template, chatPtr, chat.Length, addAssistant, buffer);
                if (length < 0)
                {
                    return null;
                }

                if (length > buffer.Length)
                {
                    buffer = new byte[length];
                    length = Format(template, chatPtr, chat.Length, addAssistant, buffer);
                }

                return Encoding.UTF8.GetString(buffer, 0, length);
            }
        }
        finally
        {
            if (added)
            {
                _model.DangerousRelease();
            }
        }
    }

    private static unsafe int Format(byte* template, LlamaChatMessage* chat, int count, bool addAssistant, byte[] buffer)
    {
        fixed (byte* bufferPtr = buffer)
        {
            return LlamaNative.llama_chat_apply_template(template, chat, (nuint)count, addAssistant, bufferPtr, buffer.Length);
        }
    }

    private static int AppendNulTerminated(List<byte> block, string text)
    {
        var offset = block.Count;
        block.AddRange(Encoding.UTF8.GetBytes(text));
        block.Add(0);
        return offset;
    }
}
