using System.Text;
using Microsoft.Extensions.Logging;

namespace LocalLlm.Backends.LlamaCpp.Native;

/// <summary>
/// The process-wide llama.cpp/ggml log sink. Messages go to the current <see cref="Logger"/> at Debug level,
/// or nowhere when it is null (llama.cpp's default of writing to stderr is always replaced).
/// Error messages are also kept per thread, so a failing call can put llama.cpp's reason into its exception:
/// llama.cpp reports load and init failures only through the log, on the calling thread.
/// </summary>
internal static unsafe partial class LlamaLog
{
    private const int MaxErrorChars = 2048;

    private static volatile ILogger? s_logger;

    [ThreadStatic]
    private static StringBuilder? t_pending;

    [ThreadStatic]
    private static GgmlLogLevel t_pendingLevel;

    [ThreadStatic]
    private static StringBuilder? t_errors;

    public static ILogger? Logger
    {
        get => s_logger;
        set => s_logger = value;
    }

    /// <summary>Installs the callback; called once by <see cref="LlamaLibrary.EnsureLoaded"/> before anything else logs.</summary>
    public static void Install() => LlamaNative.llama_log_set(&OnLog, null);

    public static void ClearLastError() => t_errors?.Clear();

    /// <summary>": reason" built from the errors llama.cpp logged on this thread since <see cref="ClearLastError"/>, or "".</summary>
    public static string DescribeLastError()
    {
        var errors = t_errors;
        return errors is null || errors.Length == 0 ? string.Empty : ": " + errors.ToString().Trim();
    }

    // Runs on whichever native thread logs. An exception must never unwind into native code, hence the catch-all.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnLog(GgmlLogLevel level, byte* text, void* userData)
    {
        try
        {
            if (text is null)
            {
                return;
            }

            var message = Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
            Append(level, message);
        }
        catch
        {
            // Logging must not take the process down.
        }
    }

    // llama.cpp emits lines in pieces: CONT continues the previous message and a line is complete at '\n'.
    private static void Append(GgmlLogLevel level, string message)
    {
        var pending = t_pending ??= new StringBuilder();
        if (level != GgmlLogLevel.Cont)
        {
            if (pending.Length > 0)
            {
                Flush(pending);
            }

            t_pendingLevel = level;
        }

        pending.Append(message);
        if (message.EndsWith('\n'))
        {
            Flush(pending);
        }
    }

    private static void Flush(StringBuilder pending)
    {
        var line = pending.ToString().TrimEnd();
        pending.Clear();
        if (line.Length == 0)
        {
            return;
        }

        if (t_pendingLevel == GgmlLogLevel.Error)
        {
            var errors = t_errors ??= new StringBuilder();
            if (errors.Length < MaxErrorChars)
            {
                errors.Append(line).Append(' ');
            }
        }

        var logger = s_logger;
        if (logger is not null && logger.IsEnabled(LogLevel.Debug))
        {
            NativeMessage(logger, t_pendingLevel, line);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "llama.cpp {NativeLevel}: {Line}")]
    private static partial void NativeMessage(ILogger logger, GgmlLogLevel nativeLevel, string line);
}
