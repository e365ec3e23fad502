using System.Globalization;
using System.Text.Json;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// OpenAI's <c>logit_bias</c>: an object from token ids (as strings) to numbers in [-100, 100] added to those tokens'
/// logits before sampling. Checked against the model's vocabulary, so a bad entry is the client's 400, not a failure
/// in the sampler.
/// </summary>
internal static class LogitBiasReader
{
    public const float Limit = 100f;

    public static IReadOnlyList<KeyValuePair<int, float>> Read(JsonElement? logitBias, int vocabularySize)
    {
        if (logitBias is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest("'logit_bias' must be an object mapping token ids (as strings) to numbers between -100 and 100.", "logit_bias");
        }

        // A key given twice counts once, with its last value, as a JSON object's would.
        var biases = new Dictionary<int, float>();
        foreach (JsonProperty entry in element.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int token))
            {
                throw ApiException.BadRequest($"Invalid key '{entry.Name}' in 'logit_bias': keys must be token ids, non-negative integers written as strings.", "logit_bias");
            }

            if (token >= vocabularySize)
            {
                throw ApiException.BadRequest($"'logit_bias' names token {token}, outside this model's vocabulary of {vocabularySize} tokens (ids 0 to {vocabularySize - 1}).", "logit_bias");
            }

            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetDouble(out double bias) || bias < -Limit || bias > Limit)
            {
                throw ApiException.BadRequest($"Invalid value {entry.Value.GetRawText()} for token '{entry.Name}' in 'logit_bias': expected a number between -100 and 100.", "logit_bias");
            }

            biases[token] = (float)bias;
        }

        return biases.ToList();
    }
}
