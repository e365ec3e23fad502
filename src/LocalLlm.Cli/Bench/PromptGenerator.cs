using System.Text;

namespace LocalLlm.Cli.Bench;

/// <summary>Deterministic prompts of made-up words, so runs against different servers send the same text.</summary>
internal static class PromptGenerator
{
    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "xe", "zu", "pa", "de", "go", "hi", "ju", "be"];

    public static string[] Create(int count, int words, int seed)
    {
        var random = new Random(seed);
        var prompts = new string[count];
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            text.Clear();
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

            prompts[i] = text.ToString();
        }

        return prompts;
    }
}
