using LocalLlm.Engine.Requests;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// Usage of a request with several choices: each prompt counts once (its choices share it), completion tokens of
/// every choice add up, and a prompt's cached tokens are the fewest any of its choices found cached.
/// </summary>
internal sealed class UsageTally(int prompts, int choicesPerPrompt)
{
    private readonly GenerationUsage?[] _choices = new GenerationUsage?[prompts * choicesPerPrompt];

    public void Add(int choice, GenerationUsage usage) => _choices[choice] = usage;

    public Usage Total()
    {
        int prompt = 0, completion = 0, cached = 0;
        for (int first = 0; first < _choices.Length; first += choicesPerPrompt)
        {
            GenerationUsage[] group = _choices.Skip(first).Take(choicesPerPrompt).OfType<GenerationUsage>().ToArray();
            if (group.Length == 0)
            {
                continue;
            }

            prompt += group[0].PromptTokens;
            cached += group.Min(u => u.CachedPromptTokens);
            completion += group.Sum(u => u.CompletionTokens);
        }

        return new Usage { PromptTokens = prompt, CompletionTokens = completion, PromptTokensDetails = new PromptTokensDetails { CachedTokens = cached } };
    }
}
