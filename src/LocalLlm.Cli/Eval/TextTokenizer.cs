using System.Globalization;
using System.Text;

namespace LocalLlm.Cli.Eval;

/// <summary>
/// Tokens for BLEU, ROUGE-L and exact match, alike for every language the scores are asked for: a run of letters,
/// digits and combining marks is one word (Latin, Cyrillic, …); every CJK ideograph, kana or CJK punctuation mark is
/// a token of its own (Chinese is scored by character, as sacrebleu's `zh` tokenizer does); every other punctuation
/// or symbol character is a token of its own; whitespace only separates. Case is kept (sacrebleu's default).
/// </summary>
internal static class TextTokenizer
{
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        foreach (Rune rune in text.Normalize(NormalizationForm.FormC).EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                Flush();
                tokens.Add(rune.ToString());
            }
            else if (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                word.Append(rune.ToString());
            }
            else
            {
                Flush();
                if (!Rune.IsWhiteSpace(rune) && !Rune.IsControl(rune))
                {
                    tokens.Add(rune.ToString());
                }
            }
        }

        Flush();
        return tokens;

        void Flush()
        {
            if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }
    }

    /// <summary>CJK ideographs (unified, extensions, compatibility), kana, CJK symbols/punctuation and full-width forms.</summary>
    public static bool IsCjk(Rune rune) => rune.Value switch
    {
        >= 0x3000 and <= 0x303F => true, // CJK symbols and punctuation: 。、「」
        >= 0x3040 and <= 0x30FF => true, // hiragana, katakana
        >= 0x3400 and <= 0x4DBF => true, // extension A
        >= 0x4E00 and <= 0x9FFF => true, // unified ideographs
        >= 0xF900 and <= 0xFAFF => true, // compatibility ideographs
        >= 0xFF00 and <= 0xFFEF => true, // full-width forms: ，！？
        >= 0x20000 and <= 0x2FA1F => true, // extensions B–F, compatibility supplement
        _ => false,
    };
}
