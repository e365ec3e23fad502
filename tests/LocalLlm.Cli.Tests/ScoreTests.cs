using LocalLlm.Cli.Eval;

namespace LocalLlm.Cli.Tests;

public sealed class ScoreTests
{
    private static BleuScore Bleu(BleuSmoothing smoothing, params (string Hypothesis, string Reference)[] pairs) =>
        Cli.Eval.Bleu.Corpus(pairs.Select(p => ((IReadOnlyList<string>)TextTokenizer.Tokenize(p.Hypothesis), (IReadOnlyList<string>)TextTokenizer.Tokenize(p.Reference))).ToArray(), smoothing);

    [Fact]
    public void Tokenizer_splits_words_and_punctuation_and_cjk_per_character()
    {
        Assert.Equal(["Hello", ",", "world", "!", "It", "'", "s", "3", ".", "14"], TextTokenizer.Tokenize("Hello, world! It's 3.14"));
        Assert.Equal(["我", "用", "Python", "写", "代", "码", "。"], TextTokenizer.Tokenize("我用Python写代码。"));
        Assert.Equal(["café", "naïve"], TextTokenizer.Tokenize("  café\tnaïve \n"));
        Assert.Empty(TextTokenizer.Tokenize(" \n "));
    }

    [Fact]
    public void Bleu_of_an_identical_corpus_is_100() =>
        Assert.Equal(100, Bleu(BleuSmoothing.Exp, ("the cat sat on the mat", "the cat sat on the mat")).Score, 8);

    // hypothesis "the cat sat on the mat", reference "the cat is on the mat" (6 tokens each, BP = 1):
    // 1-grams 5/6 (the ×2, cat, on, mat), 2-grams 3/5 (the cat, on the, the mat), 3-grams 1/4 (on the mat), 4-grams 0/3.
    // exp:   p4 = 1 / (2 × 3)  → BLEU = 100 × (5/6 × 3/5 × 1/4 × 1/6)^¼ = 100 × (1/48)^¼ = 37.9918
    // floor: p4 = 0.1 / 3      → BLEU = 100 × (5/6 × 3/5 × 1/4 × 1/30)^¼ = 100 × (1/240)^¼ = 25.4066
    // none:  p4 = 0            → BLEU = 0
    [Theory]
    [InlineData("exp", 37.99178428)]
    [InlineData("floor", 25.40663741)]
    [InlineData("none", 0.0)]
    public void Bleu_smoothing_methods_match_sacrebleu_on_a_sentence(string smoothing, double expected)
    {
        BleuScore bleu = Bleu(Enum.Parse<BleuSmoothing>(smoothing, ignoreCase: true), ("the cat sat on the mat", "the cat is on the mat"));
        Assert.Equal(expected, bleu.Score, 6);
        Assert.Equal([5L, 3, 1, 0], bleu.Correct);
        Assert.Equal([6L, 5, 4, 3], bleu.Total);
        Assert.Equal(1.0, bleu.BrevityPenalty);
    }

    [Fact]
    public void Bleu_sums_statistics_over_the_corpus_and_applies_the_brevity_penalty_to_the_totals()
    {
        // Segment 1 identical (6 tokens); segment 2 "a dog runs" against "a dog runs fast today" (3 vs 5 tokens).
        // Corpus counts: 9/9, 7/7, 5/5, 3/3 → all precisions 100 %; c = 9, r = 11 → BP = exp(1 − 11/9) = 0.800737.
        BleuScore bleu = Bleu(BleuSmoothing.Exp, ("the cat sat on the mat", "the cat sat on the mat"), ("a dog runs", "a dog runs fast today"));
        Assert.Equal(100 * Math.Exp(-2.0 / 9), bleu.Score, 8);
        Assert.Equal((9L, 11L), (bleu.SysLen, bleu.RefLen));

        // With the sentence of the previous test as segment 1: 8/9, 5/7, 2/5, 0/3 (exp: 1/6), same BP:
        // 100 × 0.800737 × (8/9 × 5/7 × 2/5 × 1/6)^¼ = 36.3201
        Assert.Equal(36.32011047, Bleu(BleuSmoothing.Exp, ("the cat sat on the mat", "the cat is on the mat"), ("a dog runs", "a dog runs fast today")).Score, 6);
    }

    [Fact]
    public void Bleu_is_zero_when_the_corpus_is_shorter_than_four_tokens_or_nothing_matches()
    {
        // "the cat" has no 3-grams: sacrebleu stops at that order and the score is 0.
        Assert.Equal(0, Bleu(BleuSmoothing.Exp, ("the cat", "the cat sat on the mat")).Score);
        Assert.Equal(0, Bleu(BleuSmoothing.Exp, ("x y z w", "a b c d")).Score);
        Assert.Equal(0, Bleu(BleuSmoothing.Exp, ("", "a b c d")).BrevityPenalty);
    }

    [Fact]
    public void Bleu_scores_chinese_by_character()
    {
        // 猫坐在垫子上 against 猫坐在桌子上: per character 5/6, 3/5, 1/4, 0/3 — the same counts as the English sentence.
        Assert.Equal(37.99178428, Bleu(BleuSmoothing.Exp, ("猫坐在垫子上", "猫坐在桌子上")).Score, 6);
    }

    [Theory]
    // LCS "the cat on the mat" = 5 of 6 and 6 → P = R = F = 5/6.
    [InlineData("the cat sat on the mat", "the cat is on the mat", 5.0 / 6)]
    // LCS "a c e" = 3: P = 3/5, R = 3/3 → F = 2 × 0.6 × 1 / 1.6 = 0.75.
    [InlineData("a b c d e", "a c e", 0.75)]
    // 我喜欢吃苹果 (6 characters) against 我爱吃苹果 (5): LCS 我吃苹果 = 4, P = 4/6, R = 4/5 → F = 16/22.
    [InlineData("我喜欢吃苹果", "我爱吃苹果", 16.0 / 22)]
    [InlineData("完全不同", "another text", 0.0)]
    [InlineData("", "a", 0.0)]
    [InlineData("same words here", "same words here", 1.0)]
    public void RougeL_f1_is_the_lcs_f_measure(string hypothesis, string reference, double expected) =>
        Assert.Equal(expected, RougeL.F1(TextTokenizer.Tokenize(hypothesis), TextTokenizer.Tokenize(reference)), 10);

    [Fact]
    public void Eval_scores_average_rouge_and_count_exact_matches_by_tokens()
    {
        EvalResult result = EvalResult.Score(
            new Cli.Bench.BenchTarget(new Uri("http://x/"), "m"), "t.jsonl", DateTimeOffset.UnixEpoch, 1, BleuSmoothing.Exp,
            [("Paris .", "Paris.", ""), ("我爱吃苹果", "我喜欢吃苹果", ""), ("", "missing", "HTTP 500")]);
        Assert.Equal([true, false, false], result.Outputs.Select(o => o.ExactMatch));
        Assert.Equal(100.0 / 3, result.ExactMatch, 10);
        Assert.Equal((100 + (100 * 16.0 / 22) + 0) / 3, result.RougeL, 10);
        Assert.Equal(1, result.Failed);
        Assert.InRange(result.Bleu.Score, 0, 100);
    }
}
