using System.Globalization;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace LocalLlm.Server.Observability;

/// <summary>
/// Serilog to stdout: compact JSON, one object per line (default), or console text with --log-format text
/// (or LOCALLLM_LOG_FORMAT=text). Levels come from the Serilog:MinimumLevel section of configuration, --log-level
/// sets the default level. Prompts and outputs are logged only with --log-content.
/// </summary>
internal static class ServerLogging
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>Bare boolean flags of the logging options become `--flag=true`, which configuration understands.</summary>
    public static string[] ExpandSwitches(string[] args) => args.Select(a => a is "--log-content" ? a + "=true" : a).ToArray();

    public static WebApplicationBuilder AddServerLogging(this WebApplicationBuilder builder)
    {
        IConfiguration configuration = builder.Configuration;
        string format = configuration["log-format"] ?? configuration["LOCALLLM_LOG_FORMAT"] ?? "json";
        if (format is not ("json" or "text"))
        {
            throw new InvalidOperationException($"--log-format must be json or text, got '{format}'.");
        }

        LogEventLevel? level = configuration["log-level"] is { } name
            ? Enum.TryParse(name, ignoreCase: true, out LogEventLevel parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new InvalidOperationException($"--log-level must be one of {string.Join(", ", Enum.GetNames<LogEventLevel>())}, got '{name}'.")
            : null;

        // preserveStaticLogger: each host gets its own logger, so hosts sharing a process (tests) never touch Log.Logger.
        builder.Services.AddSerilog(
            (_, logger) =>
            {
                // The defaults hold without appsettings.json (a different working directory); configuration overrides them.
                logger.MinimumLevel.Information()
                    .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                    .ReadFrom.Configuration(configuration)
                    .Enrich.FromLogContext();
                if (level is { } minimum)
                {
                    logger.MinimumLevel.Is(minimum);
                }

                if (format == "text")
                {
                    logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture);
                }
                else
                {
                    logger.WriteTo.Console(new RenderedCompactJsonFormatter());
                }
            },
            preserveStaticLogger: true);
        builder.Services.AddSingleton(new RequestLogOptions(configuration.GetValue<bool>("log-content")));
        return builder;
    }
}
