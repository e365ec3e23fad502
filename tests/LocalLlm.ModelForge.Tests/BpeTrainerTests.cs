using LocalLlm.ModelForge.Tokenization;

namespace LocalLlm.ModelForge.Tests;

public sealed class BpeTrainerTests
{
    [Fact]
    public void Train_ClassicCorpus_MergesMostFrequentPairFirstWithIdTieBreak()
    {
        var tokens = "lowernstid".Select(c => c.ToString()).ToList();
        int[] Word(string w) => w.Select(c => tokens.IndexOf(c.ToString())).ToArray();
        var chunks = new[]
        {
            new KeyValuePair<int[], long>(Word("low"), 5),
            new KeyValuePair<int[], long>(Word("lower"), 2),
            new KeyValuePair<int[], long>(Word("newest"), 6),
            new KeyValuePair<int[], long>(Word("widest"), 3),
        };

        var merges = BpeTrainer.Train(chunks, tokens, newTokens: 7);

        // (e,s) and (s,t) both occur 9 times; 'e' has the smaller id. Later (l,o)/(o,w) tie at 7 the same way.
        Assert.Equal(["es", "est", "lo", "low", "west", "ewest", "newest"], tokens.Skip(10));
        Assert.Equal(7, merges.Count);
        Assert.Equal((tokens.IndexOf("e"), tokens.IndexOf("s")), merges[0]);
    }

    [Fact]
    public void Train_ResultTextReachedTwice_RecordsMergeWithoutNewToken()
    {
        // "ab"+"c" and "a"+"bc" both spell "abc": the second merge is kept but adds no token.
        var tokens = new List<string> { "a", "b", "c", "x" };
        var chunks = new[]
        {
            new KeyValuePair<int[], long>([0, 1, 3], 10), // abx: makes "ab" first
            new KeyValuePair<int[], long>([0, 1, 2], 4),  // abc: then "abc" from ab+c
            new KeyValuePair<int[], long>([3, 1, 2], 6),  // xbc: "bc"
            new KeyValuePair<int[], long>([2, 0, 1, 2, 2, 0, 1, 2], 1),
        };

        var merges = BpeTrainer.Train(chunks, tokens, newTokens: 4);

        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        Assert.All(merges, m => Assert.Contains(tokens[m.Left] + tokens[m.Right], tokens));
        Assert.Equal(merges.Count, merges.Distinct().Count());
    }

    [Fact]
    public void Train_CorpusExhausted_Throws()
    {
        var tokens = new List<string> { "a", "b" };
        var chunks = new[] { new KeyValuePair<int[], long>([0, 1], 3) };

        Assert.Throws<InvalidOperationException>(() => BpeTrainer.Train(chunks, tokens, newTokens: 2));
    }

    [Fact]
    public void Apply_OverlappingPair_MergesLeftToRightWithoutOverlap()
        => Assert.Equal([9, 0], BpeTrainer.Apply([0, 0, 0], 0, 0, 9));
}
