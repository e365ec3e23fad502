using System.Text;
using LocalLlm.Engine.Backend;
using LocalLlm.Engine.Requests;

namespace LocalLlm.Server.OpenAi;

/// <summary>Turns the engine's token log probabilities into the texts and bytes the OpenAI shapes carry.</summary>
/// <param name="renderSpecial">As the request's output renders control tokens, so a token's text matches the output's.</param>
internal sealed class LogprobTokens(ITokenizer tokenizer, bool renderSpecial)
{
    /// <summary>What OpenAI writes for a probability of zero: JSON has no -Infinity.</summary>
    public const float Impossible = -9999f;

    public static float Finite(float logprob) => float.IsFinite(logprob) ? logprob : Impossible;

    /// <summary>The token's text; a token holding part of a UTF-8 character shows as U+FFFD, as OpenAI's do.</summary>
    public string Text(int token) => Encoding.UTF8.GetString(tokenizer.TokenBytes(token, renderSpecial));

    public int[] Bytes(int token)
    {
        ReadOnlySpan<byte> bytes = tokenizer.TokenBytes(token, renderSpecial);
        var values = new int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            values[i] = bytes[i];
        }

        return values;
    }

    public ChatTokenLogprob Chat(TokenLogprob logprob) => new()
    {
        Token = Text(logprob.Token),
        Logprob = Finite(logprob.Logprob),
        Bytes = Bytes(logprob.Token),
        TopLogprobs = logprob.Top.Select(t => new ChatTokenLogprob { Token = Text(t.Token), Logprob = Finite(t.Logprob), Bytes = Bytes(t.Token) }).ToList(),
    };
}
