namespace LocalLlm.ModelForge.Tokenization;

/// <summary>Values of <c>tokenizer.ggml.token_type</c> (llama.h, <c>enum llama_token_type</c>).</summary>
internal enum TokenType
{
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>The two tokenizer families the forge writes.</summary>
internal enum VocabularyStyle
{
    /// <summary>Qwen3: <c>qwen2</c> pre-tokenizer, ChatML special tokens, no BOS added, Qwen3's chat template.</summary>
    ChatMl,

    /// <summary>Llama 3.1: <c>llama-bpe</c> pre-tokenizer, header special tokens, BOS added, Llama 3.1's chat template.</summary>
    Llama3,
}
