using System.Text;

namespace LocalLlm.ModelForge.Tokenization;

/// <summary>
/// The text the forge's vocabularies are trained on: sentences of pronounceable made-up words drawn with a Zipf-like
/// frequency, interleaved with plain English, numbers, JSON and indented code so that the merges cover the shapes
/// of text a chat server sees. Generated from a fixed seed; it contains no '&lt;' so that no learned token can
/// collide with a special token's text.
/// </summary>
internal static class SyntheticCorpus
{
    private const ulong Seed = 0x5EED_C0DE_F0C5_0001UL;

    private static readonly string[] Onsets =
    [
        "", "", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
        "br", "cr", "dr", "fr", "gr", "pr", "tr", "bl", "cl", "fl", "gl", "pl", "sl", "st", "sp", "sk", "sh", "ch", "th", "qu",
    ];

    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ou", "io", "ee", "y"];

    private static readonly string[] Codas = ["", "", "", "n", "r", "l", "s", "t", "m", "nd", "st", "rk", "ng", "x", "ll", "th"];

    private static readonly string[] JsonKeys = ["name", "arguments", "city", "unit", "query", "limit", "id", "status", "value", "items"];

    /// <summary>
    /// Generates about <paramref name="words"/> words of text. The made-up lexicon grows with the request so that
    /// large vocabularies still find pairs to merge.
    /// </summary>
    public static string Generate(int words)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(words);
        var random = new DeterministicRandom(Seed);
        var lexicon = BuildLexicon(random, Math.Max(1500, words / 10));
        var cumulative = ZipfCumulative(lexicon.Length);
        var english = EnglishText.Paragraphs;

        var text = new StringBuilder(words * 8);
        var written = 0;
        var paragraph = 0;
        while (written < words)
        {
            // Every few paragraphs an English passage or a structured snippet keeps real words and syntax frequent.
            switch (paragraph++ % 6)
            {
                case 1:
                    var passage = english[random.NextInt(english.Length)];
                    text.Append(passage).Append("\n\n");
                    written += passage.Length / 6;
                    continue;
                case 3:
                    written += AppendJson(text, random, lexicon, cumulative);
                    continue;
                case 5:
                    written += AppendCode(text, random, lexicon, cumulative);
                    continue;
            }

            var sentences = 2 + random.NextInt(5);
            for (var s = 0; s < sentences; s++)
            {
                written += AppendSentence(text, random, lexicon, cumulative);
                text.Append(s + 1 < sentences ? " " : "\n\n");
            }
        }

        return text.ToString();
    }

    private static int AppendSentence(StringBuilder text, DeterministicRandom random, string[] lexicon, double[] cumulative)
    {
        var length = 4 + random.NextInt(11);
        for (var i = 0; i < length; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            var roll = random.NextInt(40);
            if (roll == 0)
            {
                text.Append(random.NextInt(2000));
            }
            else if (roll == 1)
            {
                text.Append(EnglishText.CommonWords[random.NextInt(EnglishText.CommonWords.Length)]);
            }
            else
            {
                var word = Pick(random, lexicon, cumulative);
                text.Append(i == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
            }

            if (i + 1 < length && random.NextInt(9) == 0)
            {
                text.Append(random.NextInt(4) == 0 ? ";" : ",");
            }
        }

        text.Append(random.NextInt(8) switch { 0 => "?", 1 => "!", 2 => "...", _ => "." });
        return length;
    }

    private static int AppendJson(StringBuilder text, DeterministicRandom random, string[] lexicon, double[] cumulative)
    {
        var fields = 1 + random.NextInt(4);
        text.Append("{\"name\": \"").Append(Pick(random, lexicon, cumulative)).Append('_').Append(Pick(random, lexicon, cumulative))
            .Append("\", \"arguments\": {");
        for (var i = 0; i < fields; i++)
        {
            text.Append(i > 0 ? ", \"" : "\"").Append(JsonKeys[random.NextInt(JsonKeys.Length)]).Append("\": ");
            if (random.NextInt(3) == 0)
            {
                text.Append(random.NextInt(100000));
            }
            else
            {
                text.Append('"').Append(Pick(random, lexicon, cumulative)).Append('"');
            }
        }

        text.Append("}}\n\n");
        return 4 + fields * 2;
    }

    private static int AppendCode(StringBuilder text, DeterministicRandom random, string[] lexicon, double[] cumulative)
    {
        var name = Pick(random, lexicon, cumulative);
        var argument = Pick(random, lexicon, cumulative);
        text.Append("def ").Append(name).Append('(').Append(argument).Append("):\n");
        var lines = 1 + random.NextInt(4);
        for (var i = 0; i < lines; i++)
        {
            text.Append("    ").Append(Pick(random, lexicon, cumulative)).Append(" = ").Append(argument)
                .Append(" + ").Append(random.NextInt(100)).Append('\n');
        }

        text.Append("    return ").Append(argument).Append("\n\n");
        return 6 + lines * 4;
    }

    private static string Pick(DeterministicRandom random, string[] lexicon, double[] cumulative)
    {
        var target = random.NextDouble() * cumulative[^1];
        var index = Array.BinarySearch(cumulative, target);
        return lexicon[index >= 0 ? index : Math.Min(~index, lexicon.Length - 1)];
    }

    /// <summary>Weights 1/(rank + 10): a flattened Zipf law computed with division only, which is exactly rounded.</summary>
    private static double[] ZipfCumulative(int count)
    {
        var cumulative = new double[count];
        var total = 0.0;
        for (var rank = 0; rank < count; rank++)
        {
            total += 1.0 / (rank + 10);
            cumulative[rank] = total;
        }

        return cumulative;
    }

    private static string[] BuildLexicon(DeterministicRandom random, int size)
    {
        // Syllables get a fixed popularity order so that some are frequent and merge early, as stems do in real text.
        var syllables = new List<string>();
        foreach (var onset in Onsets.Distinct())
        {
            foreach (var vowel in Vowels.Distinct())
            {
                foreach (var coda in Codas.Distinct())
                {
                    syllables.Add(onset + vowel + coda);
                }
            }
        }

        for (var i = syllables.Count - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (syllables[i], syllables[j]) = (syllables[j], syllables[i]);
        }

        var syllableCumulative = ZipfCumulative(syllables.Count);
        var pool = syllables.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lexicon = new List<string>(size);
        while (lexicon.Count < size)
        {
            var count = 1 + random.NextInt(3) + (random.NextInt(4) == 0 ? 1 : 0);
            var word = new StringBuilder();
            for (var i = 0; i < count; i++)
            {
                word.Append(Pick(random, pool, syllableCumulative));
            }

            var candidate = word.ToString();
            if (candidate.Length >= 2 && seen.Add(candidate))
            {
                lexicon.Add(candidate);
            }
        }

        return [.. lexicon];
    }
}
