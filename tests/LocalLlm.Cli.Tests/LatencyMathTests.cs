using LocalLlm.Cli.Bench;

namespace LocalLlm.Cli.Tests;

public sealed class LatencyMathTests
{
    [Theory]
    // numpy.percentile([1, 2, 3, 4], p) with linear interpolation: rank = p/100 × (n − 1).
    [InlineData(50, 2.5)]   // rank 1.5 → 2 + 0.5 × (3 − 2)
    [InlineData(90, 3.7)]   // rank 2.7 → 3 + 0.7 × (4 − 3)
    [InlineData(99, 3.97)]  // rank 2.97
    [InlineData(100, 4.0)]
    [InlineData(0, 1.0)]
    public void Percentiles_interpolate_linearly_between_closest_ranks(double percentile, double expected) =>
        Assert.Equal(expected, Percentiles.Of([4, 1, 3, 2], percentile), 10);

    [Fact]
    public void Percentile_of_one_value_is_that_value_and_of_none_is_zero()
    {
        Assert.Equal(7.0, Percentiles.Of([7], 99));
        Assert.Equal(0.0, Percentiles.Of([], 99));
    }

    [Theory]
    [InlineData(99, "99")]
    [InlineData(50.0, "50")]
    [InlineData(99.9, "99.9")]
    public void Percentile_words_match_vllm_keys(double percentile, string word) => Assert.Equal(word, Percentiles.Word(percentile));

    [Fact]
    public void Statistics_use_population_standard_deviation()
    {
        // mean 2.5; deviations ±1.5, ±0.5 → variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25 (numpy's ddof = 0).
        LatencyStatistics stats = LatencyStatistics.From([1, 2, 3, 4], [50, 99]);
        Assert.Equal(2.5, stats.Mean, 10);
        Assert.Equal(2.5, stats.Median, 10);
        Assert.Equal(Math.Sqrt(1.25), stats.Std, 10);
        Assert.Equal(3.97, stats.At(99), 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => stats.At(90));
    }

    [Fact]
    public void Statistics_of_an_empty_series_are_zero_as_in_vllm()
    {
        LatencyStatistics stats = LatencyStatistics.From([], [99]);
        Assert.Equal((0.0, 0.0, 0.0, 0.0), (stats.Mean, stats.Median, stats.Std, stats.At(99)));
    }

    [Fact]
    public void Goodput_objectives_parse_and_judge_each_given_metric()
    {
        GoodputSlo slo = GoodputSlo.Parse("ttft:500,tpot:50");
        Assert.True(slo.IsGood(500, 50, 1e9));    // at the objective is good; e2el has no objective
        Assert.False(slo.IsGood(500.1, 10, 0));
        Assert.False(slo.IsGood(10, 50.1, 0));
        Assert.True(GoodputSlo.Parse("e2el:100").IsGood(1e9, 1e9, 100));
        Assert.True(GoodputSlo.Parse(null).IsEmpty);
        Assert.Throws<FormatException>(() => GoodputSlo.Parse("itl:5"));
        Assert.Throws<FormatException>(() => GoodputSlo.Parse("ttft=5"));
    }
}
