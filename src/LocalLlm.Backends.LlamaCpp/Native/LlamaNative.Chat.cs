namespace LocalLlm.Backends.LlamaCpp.Native;

internal static unsafe partial class LlamaNative
{
    /// <summary>
    /// Formats a conversation with one of llama.cpp's built-in templates, recognised heuristically from
    /// <paramref name="tmpl"/> (a Jinja source or a template name). No Jinja is evaluated.
    /// </summary>
    /// <returns>Total bytes of the prompt (retry with a larger buffer when above <paramref name="length"/>); negative when the template is not recognised.</returns>
    [LibraryImport(LibraryName)]
    public static partial int llama_chat_apply_template(
        byte* tmpl,
        LlamaChatMessage* chat,
        nuint n_msg,
        [MarshalAs(UnmanagedType.U1)] bool add_ass,
        byte* buf,
        int length);

    /// <summary>Names of the built-in templates; fills up to <paramref name="len"/> static strings.</summary>
    /// <returns>The total number of built-in templates.</returns>
    [LibraryImport(LibraryName)]
    public static partial int llama_chat_builtin_templates(byte** output, nuint len);
}
