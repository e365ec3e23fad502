using System.Text.RegularExpressions;

namespace LocalLlm.ModelForge.Tokenization;

/// <summary>The two pre-tokenizers the forge writes, named by their <c>tokenizer.ggml.pre</c> values.</summary>
internal enum PreTokenizerKind
{
    /// <summary><c>qwen2</c>: digits are split one by one.</summary>
    Qwen2,

    /// <summary><c>llama-bpe</c>: digits are grouped in runs of up to three; whole-word vocabulary hits skip merging.</summary>
    Llama3,
}

/// <summary>
/// Splits text into the chunks BPE works on; merges never cross a chunk boundary. The patterns are the ones
/// llama.cpp documents for these pre-tokenizer names, with the case-insensitive contraction group spelled out.
/// </summary>
internal static partial class PreTokenizer
{
    private const string Qwen2Regex = @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
    private const string Llama3Regex = @"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>The split pattern, also written into Hugging Face tokenizer files so both tokenizers chunk alike.</summary>
    public static string Pattern(PreTokenizerKind kind) => kind == PreTokenizerKind.Qwen2 ? Qwen2Regex : Llama3Regex;

    public static string Name(PreTokenizerKind kind) => kind switch
    {
        PreTokenizerKind.Qwen2 => "qwen2",
        PreTokenizerKind.Llama3 => "llama-bpe",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static List<string> Split(PreTokenizerKind kind, string text)
    {
        var regex = kind == PreTokenizerKind.Qwen2 ? Qwen2Pattern() : Llama3Pattern();
        var chunks = new List<string>();
        foreach (var match in regex.EnumerateMatches(text))
        {
            chunks.Add(text.Substring(match.Index, match.Length));
        }

        return chunks;
    }

    [GeneratedRegex(Qwen2Regex, RegexOptions.CultureInvariant)]
    private static partial Regex Qwen2Pattern();

    [GeneratedRegex(Llama3Regex, RegexOptions.CultureInvariant)]
    private static partial Regex Llama3Pattern();
}
