namespace LocalLlm.Server;

internal static class ServerInfo
{
    /// <summary>Identifies the server build in responses, as OpenAI's system_fingerprint does.</summary>
    public static readonly string SystemFingerprint = "localllm-" + (typeof(ServerInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
}
