using System.Text.RegularExpressions;
using CsCheck;
using LocalLlm.Server.StructuredOutput;

namespace LocalLlm.Server.Tests.StructuredOutput;

/// <summary>
/// Integer ranges checked exhaustively near their ends. The expressions use only literals, classes, groups, alternation
/// and counted repetition, so with quotes and spaces removed they are .NET regexes with the same language.
/// </summary>
public sealed class IntegerRangeTests
{
    [Fact]
    public void Signed_RandomRanges_AdmitExactlyTheIntegersInRange()
    {
        Gen.Select(Gen.Long[-3000, 3000], Gen.Long[0, 3000], Gen.Bool, Gen.Bool).Sample((low, width, openLow, openHigh) =>
        {
            long high = low + width;
            var regex = AsRegex(IntegerRange.Signed(openLow ? null : low, openHigh ? null : high));
            for (long n = low - 120; n <= high + 120; n++)
            {
                bool inRange = (openLow || n >= low) && (openHigh || n <= high);
                Assert.True(inRange == regex.IsMatch(n.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"{n} in [{(openLow ? "-inf" : low)}, {(openHigh ? "inf" : high)}]");
            }

            Assert.DoesNotMatch(regex, "-0");
            Assert.DoesNotMatch(regex, "01");
        }, iter: 60);
    }

    [Theory]
    [InlineData(0L, 9_999_999_999_999_999L)]
    [InlineData(1_234_567L, 98_765_432_100L)]
    [InlineData(999L, 1_000L)]
    public void NonNegative_LargeRange_AdmitsEndsAndRejectsNeighbours(long low, long high)
    {
        var regex = AsRegex(IntegerRange.NonNegative(low, high));

        Assert.Matches(regex, low.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Matches(regex, high.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Matches(regex, ((low + high) / 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (low > 0)
        {
            Assert.DoesNotMatch(regex, (low - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.DoesNotMatch(regex, (high + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Regex AsRegex(string expression) =>
        new($"^(?:{expression.Replace("\"", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal)})$", RegexOptions.CultureInvariant);
}
