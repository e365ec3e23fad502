using LocalLlm.Engine.Backend;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// The sampling settings chat and completions requests share, as the client sent them; <see cref="ToParams"/> checks
/// them the way OpenAI does (param named in the error) and turns them into engine settings.
/// </summary>
internal sealed record SamplingFields
{
    public float? Temperature { get; init; }

    public float? TopP { get; init; }

    public int? TopK { get; init; }

    public float? MinP { get; init; }

    public float? PresencePenalty { get; init; }

    public float? FrequencyPenalty { get; init; }

    public float? RepetitionPenalty { get; init; }

    public long? Seed { get; init; }

    public static SamplingFields From(GenerationRequestBody request) => new()
    {
        Temperature = request.Temperature,
        TopP = request.TopP,
        TopK = request.TopK,
        MinP = request.MinP,
        PresencePenalty = request.PresencePenalty,
        FrequencyPenalty = request.FrequencyPenalty,
        RepetitionPenalty = request.RepetitionPenalty,
        Seed = request.Seed,
    };

    public SamplingParams ToParams()
    {
        float temperature = InRange(Temperature, 0f, 2f, "temperature") ?? 1f;
        float topP = InRange(TopP, 0f, 1f, "top_p") ?? 1f;
        if (topP <= 0f)
        {
            throw ApiException.BadRequest("'top_p' must be greater than 0.", "top_p");
        }

        int topK = TopK ?? 0;
        if (topK < 0)
        {
            throw ApiException.BadRequest("'top_k' must be 0 (disabled) or positive.", "top_k");
        }

        float repetition = RepetitionPenalty ?? 1f;
        if (float.IsNaN(repetition) || repetition <= 0f || repetition > 2f)
        {
            throw ApiException.BadRequest("'repetition_penalty' must be in (0, 2].", "repetition_penalty");
        }

        return new SamplingParams
        {
            Temperature = temperature,
            TopP = topP,
            TopK = topK,
            MinP = InRange(MinP, 0f, 1f, "min_p") ?? 0f,
            PresencePenalty = InRange(PresencePenalty, -2f, 2f, "presence_penalty") ?? 0f,
            FrequencyPenalty = InRange(FrequencyPenalty, -2f, 2f, "frequency_penalty") ?? 0f,
            RepetitionPenalty = repetition,
            Seed = Seed is long seed ? ChoiceSeeds.Fold(seed) : null,
        };
    }

    private static float? InRange(float? value, float min, float max, string param)
    {
        if (value is float v && (float.IsNaN(v) || v < min || v > max))
        {
            throw ApiException.BadRequest($"'{param}' must be between {min} and {max}, got {v}.", param);
        }

        return value;
    }
}
