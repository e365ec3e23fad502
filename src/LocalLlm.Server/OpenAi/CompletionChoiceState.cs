using System.Text;
using LocalLlm.Engine.Requests;

namespace LocalLlm.Server.OpenAi;

/// <summary>
/// One completions choice as it is generated: its text (after the echoed prompt, when echo is set), its log
/// probabilities in OpenAI's legacy shape, and its finish reason.
/// </summary>
internal sealed class CompletionChoiceState(string echo, LogprobTokens? logprobTokens)
{
    private readonly StringBuilder _text = new(echo);
    private CompletionLogprobs? _logprobs = logprobTokens is null ? null : new CompletionLogprobs();
    private int _offset = echo.Length;

    public string Echo { get; } = echo;

    public string Text => _text.ToString();

    public string? FinishReason { get; private set; }

    /// <summary>Takes in one engine update; true when it carries anything a stream chunk should send.</summary>
    public bool Add(GenerationEvent update)
    {
        _text.Append(update.Text);
        if (update.Finish is { } finish)
        {
            FinishReason = FinishReasons.Name(finish);
        }

        if (logprobTokens is not null && update.Logprob is { } logprob)
        {
            AddLogprob(logprobTokens, logprob);
            return true;
        }

        return update.Text.Length > 0 || update.IsFinal;
    }

    /// <summary>The log probabilities added since the last call (all of them, when not streaming); null without logprobs.</summary>
    public CompletionLogprobs? TakeLogprobs()
    {
        CompletionLogprobs? taken = _logprobs;
        _logprobs = _logprobs is null ? null : new CompletionLogprobs();
        return taken;
    }

    private void AddLogprob(LogprobTokens tokens, TokenLogprob logprob)
    {
        string text = tokens.Text(logprob.Token);
        var top = new Dictionary<string, float>(logprob.Top.Count);
        foreach ((int token, float value) in logprob.Top)
        {
            // Distinct tokens can share a text (e.g. two partial UTF-8 characters); the likelier one, listed first, stays.
            top.TryAdd(tokens.Text(token), LogprobTokens.Finite(value));
        }

        _logprobs!.Tokens.Add(text);
        _logprobs.TokenLogprobs.Add(LogprobTokens.Finite(logprob.Logprob));
        _logprobs.TopLogprobs.Add(top);
        _logprobs.TextOffset.Add(_offset);
        _offset += text.Length;
    }
}
