using System.Text;
using LocalLlm.Backends.LlamaCpp.Native;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.LlamaCpp;

/// <summary>Reads model metadata through llama.cpp's string-returning functions.</summary>
internal static unsafe class LlamaModelInfo
{
    public static BackendInfo Read(SafeLlamaModelHandle model, SafeLlamaContextHandle context, int vocabularySize)
    {
        // Values the context actually uses: llama.cpp may round the requested ones (n_ctx to a multiple of 256).
        return new BackendInfo
        {
            Architecture = MetaValue(model, "general.architecture") ?? "unknown",
            ContextSize = checked((int)LlamaNative.llama_n_ctx(context)),
            TrainContextLength = LlamaNative.llama_model_n_ctx_train(model),
            MaxSequences = checked((int)LlamaNative.llama_n_seq_max(context)),
            MaxBatchTokens = checked((int)LlamaNative.llama_n_batch(context)),
            VocabularySize = vocabularySize,
            ChatTemplate = ChatTemplate(model),
            ParameterCount = (long)LlamaNative.llama_model_n_params(model),
            SizeBytes = (long)LlamaNative.llama_model_size(model),
            Description = Description(model),
        };
    }

    /// <summary>A scalar GGUF metadata value as text, or null when the key is missing (arrays are not supported).</summary>
    public static string? MetaValue(SafeLlamaModelHandle model, string key)
    {
        Span<byte> small = stackalloc byte[256];
        int length;
        fixed (byte* smallPtr = small)
        {
            length = LlamaNative.llama_model_meta_val_str(model, key, smallPtr, (nuint)small.Length);
            if (length < 0)
            {
                return null;
            }

            if (length < small.Length)
            {
                return Encoding.UTF8.GetString(small[..length]);
            }
        }

        // The result was truncated: the returned length is the full value's, plus one byte for the terminator.
        var large = new byte[length + 1];
        fixed (byte* largePtr = large)
        {
            length = LlamaNative.llama_model_meta_val_str(model, key, largePtr, (nuint)large.Length);
        }

        return length < 0 ? null : Encoding.UTF8.GetString(large, 0, Math.Min(length, large.Length - 1));
    }

    public static string? ChatTemplate(SafeLlamaModelHandle model)
    {
        var template = LlamaNative.llama_model_chat_template(model, null);
        return template is null ? null : Marshal.PtrToStringUTF8((nint)template);
    }

    private static string? Description(SafeLlamaModelHandle model)
    {
        Span<byte> buffer = stackalloc byte[256];
        fixed (byte* ptr = buffer)
        {
            var length = LlamaNative.llama_model_desc(model, ptr, (nuint)buffer.Length);
            return length < 0 ? null : Encoding.UTF8.GetString(buffer[..Math.Min(length, buffer.Length - 1)]);
        }
    }
}
