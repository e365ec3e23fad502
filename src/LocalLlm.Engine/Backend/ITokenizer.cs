namespace LocalLlm.Engine.Backend;

public interface ITokenizer
{
    /// <param name="addSpecial">Add BOS/EOS as the model's vocabulary asks.</param>
    /// <param name="parseSpecial">Treat special-token text (e.g. <c>&lt;|im_start|&gt;</c>) as the special token.</param>
    int[] Tokenize(string text, bool addSpecial, bool parseSpecial);

    /// <summary>The raw bytes of one token's text. Byte-level tokens may hold part of a UTF-8 character.</summary>
    /// <param name="renderSpecial">Render control tokens as their text instead of nothing.</param>
    ReadOnlySpan<byte> TokenBytes(int token, bool renderSpecial = false);

    /// <summary>End of generation: EOS, EOT or any token the model marks as ending a turn.</summary>
    bool IsEndOfGeneration(int token);

    /// <summary>BOS token, or -1 when the vocabulary has none.</summary>
    int BosToken { get; }
}
