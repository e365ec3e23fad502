using System.Runtime.InteropServices;
using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.Observability;

/// <summary>
/// The host's lifetime, with a graceful drain on SIGTERM: readiness fails at once, new API requests get 503,
/// requests in flight (streams included) run to completion up to <see cref="Timeout"/>, then the host stops and the
/// process exits 0. SIGINT and SIGQUIT stop at once, as the default console lifetime does.
/// </summary>
internal sealed partial class Drain(IHostApplicationLifetime lifetime, ILogger<Drain> logger) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _inFlight;
    private volatile bool _draining;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public bool IsDraining => _draining;

    public int InFlight => Volatile.Read(ref _inFlight);

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            // Keep the host running until the requests in flight are done.
            context.Cancel = true;
            Begin();
        }));
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                lifetime.StopApplication();
            }));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Begin()
    {
        if (_draining)
        {
            return;
        }

        _draining = true;
        LogDraining(InFlight, Timeout.TotalSeconds);
        _ = Task.Run(async () =>
        {
            DateTime deadline = DateTime.UtcNow + Timeout;
            while (InFlight > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            LogDrained(InFlight);
            lifetime.StopApplication();
        });
    }

    /// <summary>Counts API requests in flight and turns new ones away while draining.</summary>
    public async Task Track(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/v1"))
        {
            await next(context);
            return;
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            if (_draining)
            {
                var error = new ApiException(StatusCodes.Status503ServiceUnavailable, "The server is shutting down; retry on another replica.", "server_error", null, "service_unavailable");
                context.Response.StatusCode = error.Status;
                await Results.Json(error.ToResponse(), OpenAiJsonContext.Wire.ErrorResponse, statusCode: error.Status).ExecuteAsync(context);
                return;
            }

            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public void Dispose() => _signals.ForEach(s => s.Dispose());

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIGTERM: draining {InFlight} requests in flight (up to {TimeoutSeconds} s); readiness now fails")]
    private partial void LogDraining(int inFlight, double timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain finished with {InFlight} requests still in flight; stopping")]
    private partial void LogDrained(int inFlight);
}
