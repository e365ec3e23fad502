namespace LocalLlm.Engine.Backend;

/// <summary>Picks the next token of one sequence from the logits of the last decoded batch.</summary>
public interface ITokenSampler : IDisposable
{
    /// <summary>Samples from the logits of the batch token at <paramref name="batchIndex"/> and accepts the result.</summary>
    int Sample(int batchIndex);

    /// <summary>Feeds a token the sampler did not choose (a prompt or resumed token) into its history.</summary>
    void Accept(int token);
}
