namespace LocalLlm.Cli.Bench;

/// <summary>
/// What one streamed request measured on the client, in seconds as vLLM's `RequestFuncOutput` holds them.
/// Invariants for a successful request: 0 &lt; Ttft ≤ Latency, and Itl holds one gap per content chunk after the first.
/// </summary>
/// <param name="StartTime">Seconds since the run began when the request was sent.</param>
/// <param name="Ttft">Seconds from sending to the first chunk with content.</param>
/// <param name="Latency">Seconds from sending to the end of the stream (E2EL).</param>
/// <param name="Itl">Gaps between consecutive content chunks, seconds.</param>
/// <param name="PromptTokens">Prompt tokens from the server's `usage`.</param>
/// <param name="OutputTokens">Completion tokens from the server's `usage` (content chunks when the server sends none).</param>
internal sealed record RequestOutcome(
    bool Success,
    double StartTime,
    double Ttft,
    double Latency,
    IReadOnlyList<double> Itl,
    int PromptTokens,
    int OutputTokens,
    string Error)
{
    public static RequestOutcome Failed(double startTime, double latency, string error) =>
        new(false, startTime, 0, latency, [], 0, 0, error);
}
