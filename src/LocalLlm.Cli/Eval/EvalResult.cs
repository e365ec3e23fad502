using LocalLlm.Cli.Bench;

namespace LocalLlm.Cli.Eval;

/// <summary>One example's answer and its own scores (ROUGE-L F1 and exact match on the 0–100 scale).</summary>
internal sealed record EvalOutput(string Prediction, string Reference, bool Success, string Error, double RougeL, bool ExactMatch);

/// <summary>
/// The scores of one target on one task, on the 0–100 scale: corpus BLEU-4, mean ROUGE-L F1, and exact match (the
/// share of answers whose token sequence equals the reference's, so spacing differences do not count). A failed
/// request scores as an empty answer, so failures lower the scores instead of being left out.
/// </summary>
internal sealed record EvalResult(
    BenchTarget Target,
    string Task,
    DateTimeOffset Date,
    double Duration,
    BleuSmoothing Smoothing,
    BleuScore Bleu,
    double RougeL,
    double ExactMatch,
    IReadOnlyList<EvalOutput> Outputs)
{
    public int Failed => Outputs.Count(o => !o.Success);

    public static EvalResult Score(BenchTarget target, string task, DateTimeOffset date, double duration, BleuSmoothing smoothing, IReadOnlyList<(string Prediction, string Reference, string Error)> answers)
    {
        var outputs = new List<EvalOutput>();
        var pairs = new List<(IReadOnlyList<string>, IReadOnlyList<string>)>();
        foreach ((string prediction, string reference, string error) in answers)
        {
            List<string> hypothesis = TextTokenizer.Tokenize(prediction);
            List<string> referenceTokens = TextTokenizer.Tokenize(reference);
            pairs.Add((hypothesis, referenceTokens));
            outputs.Add(new EvalOutput(prediction, reference, error.Length == 0, error, 100 * Eval.RougeL.F1(hypothesis, referenceTokens), hypothesis.SequenceEqual(referenceTokens, StringComparer.Ordinal)));
        }

        return new EvalResult(
            target, task, date, duration, smoothing,
            Eval.Bleu.Corpus(pairs, smoothing),
            outputs.Count == 0 ? 0 : outputs.Average(o => o.RougeL),
            outputs.Count == 0 ? 0 : 100.0 * outputs.Count(o => o.ExactMatch) / outputs.Count,
            outputs);
    }
}
