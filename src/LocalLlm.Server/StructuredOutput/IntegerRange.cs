using System.Globalization;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// GBNF for the canonical decimal text (no leading zeros, no <c>-0</c>) of every integer in an inclusive range, built
/// digit by digit. Magnitudes have at most 16 digits, as in the unbounded <c>integral-part</c> primitive.
/// </summary>
internal static class IntegerRange
{
    public const long Largest = 9_999_999_999_999_999;

    /// <summary>Integers in [<paramref name="low"/>, <paramref name="high"/>]; null bounds are open; the range must not be empty.</summary>
    public static string Signed(long? low, long? high)
    {
        long lo = Math.Max(low ?? -Largest, -Largest);
        long hi = Math.Min(high ?? Largest, Largest);
        if (lo > hi)
        {
            throw new ArgumentException($"Empty range [{lo}, {hi}].", nameof(low));
        }

        var alternatives = new List<string>();
        if (hi >= 0)
        {
            alternatives.Add(NonNegative(Math.Max(lo, 0), hi));
        }

        if (lo < 0)
        {
            alternatives.Add($"\"-\" {Group(NonNegative(Math.Max(1, -hi), -lo))}");
        }

        return alternatives.Count == 1 ? alternatives[0] : $"( {string.Join(" | ", alternatives)} )";
    }

    /// <summary>Integers in [<paramref name="low"/>, <paramref name="high"/>], both non-negative.</summary>
    public static string NonNegative(long low, long high)
    {
        string lo = low.ToString(CultureInfo.InvariantCulture);
        string hi = high.ToString(CultureInfo.InvariantCulture);
        var alternatives = new List<string>();
        int fullFrom = -1;
        for (int length = lo.Length; length <= hi.Length; length++)
        {
            string first = length == lo.Length ? lo : "1" + new string('0', length - 1);
            string last = length == hi.Length ? hi : new string('9', length);
            bool full = length > 1 && first == "1" + new string('0', length - 1) && last == new string('9', length);
            if (full)
            {
                // Whole digit counts in a row merge into one repetition: [1-9] [0-9]{a,b}.
                fullFrom = fullFrom < 0 ? length : fullFrom;
                if (length < hi.Length && IsFull(length + 1, hi))
                {
                    continue;
                }

                alternatives.Add($"[1-9] {Gbnf.Repeat("[0-9]", fullFrom - 1, length - 1)}");
                fullFrom = -1;
            }
            else
            {
                alternatives.Add(SameLength(first, last));
            }
        }

        return alternatives.Count == 1 ? alternatives[0] : $"( {string.Join(" | ", alternatives)} )";
    }

    private static bool IsFull(int length, string hi) => length < hi.Length || hi == new string('9', length);

    /// <summary>Digit strings of equal length between <paramref name="first"/> and <paramref name="last"/> inclusive.</summary>
    private static string SameLength(string first, string last)
    {
        if (first == last)
        {
            return $"\"{first}\"";
        }

        if (first.Length == 1)
        {
            return $"[{first}-{last}]";
        }

        if (first[0] == last[0])
        {
            return $"\"{first[0]}\" {Group(SameLength(first[1..], last[1..]))}";
        }

        int rest = first.Length - 1;
        bool lowFull = first[1..] == new string('0', rest);
        bool highFull = last[1..] == new string('9', rest);
        var alternatives = new List<string>();
        char from = lowFull ? first[0] : (char)(first[0] + 1);
        char to = highFull ? last[0] : (char)(last[0] - 1);
        if (!lowFull)
        {
            alternatives.Add($"\"{first[0]}\" {Group(SameLength(first[1..], new string('9', rest)))}");
        }

        if (from <= to)
        {
            alternatives.Add($"{(from == to ? $"\"{from}\"" : $"[{from}-{to}]")} {Gbnf.Repeat("[0-9]", rest, rest)}");
        }

        if (!highFull)
        {
            alternatives.Add($"\"{last[0]}\" {Group(SameLength(new string('0', rest), last[1..]))}");
        }

        return alternatives.Count == 1 ? alternatives[0] : $"( {string.Join(" | ", alternatives)} )";
    }

    private static string Group(string expression) => expression.Contains(' ', StringComparison.Ordinal) && !expression.StartsWith('(') ? $"( {expression} )" : expression;
}
