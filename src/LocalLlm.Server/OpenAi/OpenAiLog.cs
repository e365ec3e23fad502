namespace LocalLlm.Server.OpenAi;

/// <summary>What the OpenAI endpoints log beyond the request log line.</summary>
internal static partial class OpenAiLog
{
    /// <summary>OpenAI's <c>user</c> field: an end-user id for abuse monitoring; this server only logs it.</summary>
    public static void EndUser(ILoggerFactory loggers, string requestId, string? user)
    {
        if (string.IsNullOrEmpty(user))
        {
            return;
        }

        ILogger logger = loggers.CreateLogger("LocalLlm.Server.OpenAi");
        LogEndUser(logger, requestId, user);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId} is for user {User}")]
    private static partial void LogEndUser(ILogger logger, string requestId, string user);
}
