using System.Text;

namespace LocalLlm.Cli.Bench;

/// <summary>
/// Deterministic prompts of made-up words, so runs against different servers send the same text. Lengths are in
/// words (a word is one to three tokens for a typical BPE vocabulary); the token counts reported come from the server.
/// </summary>
internal static class PromptGenerator
{
    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "pa", "de", "go", "hi", "ju", "be"];

    public static string[] Create(int count, int words, int seed)
    {
        var random = new Random(seed);
        var prompts = new string[count];
        for (int i = 0; i < count; i++)
        {
            prompts[i] = Words(random, words);
        }

        return prompts;
    }

    /// <summary>
    /// Puts the same <paramref name="prefixWords"/>-word preamble before every prompt, the shape of a shared system
    /// prompt or document, so a server with prefix caching computes it once. The prefix depends only on the seed.
    /// </summary>
    public static string[] WithSharedPrefix(IReadOnlyList<string> prompts, int prefixWords, int seed)
    {
        if (prefixWords <= 0)
        {
            return prompts.ToArray();
        }

        string prefix = Words(new Random(unchecked(seed * 31) + 17), prefixWords);
        return prompts.Select(p => prefix + "\n\n" + p).ToArray();
    }

    private static string Words(Random random, int words)
    {
        var text = new StringBuilder();
        for (int w = 0; w < words; w++)
        {
            if (w > 0)
            {
                text.Append(' ');
            }

            int length = random.Next(1, 4);
            for (int s = 0; s < length; s++)
            {
                text.Append(Syllables[random.Next(Syllables.Length)]);
            }
        }

        return text.ToString();
    }
}
