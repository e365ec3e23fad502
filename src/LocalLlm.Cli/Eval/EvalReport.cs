using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LocalLlm.Cli.Eval;

/// <summary>The eval's Markdown comparison table (one row per target) and its JSON file per target.</summary>
internal static class EvalReport
{
    public static string Markdown(IReadOnlyList<EvalResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("| target | task | examples | failed | BLEU-4 | ROUGE-L F1 | exact match % | duration s |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (EvalResult r in results)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Target.Name} | {Path.GetFileName(r.Task)} | {r.Outputs.Count} | {r.Failed} | {r.Bleu.Score:F2} | {r.RougeL:F2} | {r.ExactMatch:F1} | {r.Duration:F2} |"));
        }

        text.AppendLine();
        text.AppendLine($"BLEU-4: sacrebleu-style corpus BLEU, standard brevity penalty, smoothing '{(results.Count > 0 ? results[0].Smoothing : BleuSmoothing.Exp).ToString().ToLowerInvariant()}'; "
            + "ROUGE-L: LCS F1 (β = 1) per example, averaged; tokens: words and punctuation, one token per CJK character.");
        return text.ToString();
    }

    public static byte[] Json(EvalResult r, string label)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("date", r.Date.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            json.WriteString("backend", "openai-chat");
            json.WriteString("label", label);
            json.WriteString("model_id", r.Target.Model);
            json.WriteString("base_url", r.Target.BaseUrl.ToString());
            json.WriteString("task", r.Task);
            json.WriteNumber("num_examples", r.Outputs.Count);
            json.WriteNumber("completed", r.Outputs.Count - r.Failed);
            json.WriteNumber("failed", r.Failed);
            json.WriteNumber("duration", r.Duration);
            json.WriteString("tokenizer", "words+punctuation, CJK per character");
            json.WriteNumber("bleu_4", r.Bleu.Score);
            json.WriteString("bleu_smoothing", r.Smoothing.ToString().ToLowerInvariant());
            json.WriteNumber("bleu_brevity_penalty", r.Bleu.BrevityPenalty);
            WriteArray(json, "bleu_precisions", r.Bleu.Precisions);
            json.WriteNumber("bleu_sys_len", r.Bleu.SysLen);
            json.WriteNumber("bleu_ref_len", r.Bleu.RefLen);
            json.WriteNumber("rouge_l_f1", r.RougeL);
            json.WriteNumber("exact_match", r.ExactMatch);
            json.WriteStartArray("outputs");
            foreach (EvalOutput o in r.Outputs)
            {
                json.WriteStartObject();
                json.WriteString("prediction", o.Prediction);
                json.WriteString("reference", o.Reference);
                json.WriteNumber("rouge_l_f1", o.RougeL);
                json.WriteBoolean("exact_match", o.ExactMatch);
                json.WriteString("error", o.Error);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (double value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }
}
