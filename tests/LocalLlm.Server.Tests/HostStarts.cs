using Microsoft.AspNetCore.Mvc.Testing;

namespace LocalLlm.Server.Tests;

/// <summary>
/// Starts test servers one at a time: fixtures of collections that run in parallel then never build minimal-API hosts
/// at the same moment, which rules out races on the process-wide state host building touches. A start takes
/// milliseconds with the tiny test models, so little is lost.
/// </summary>
internal static class HostStarts
{
    private static readonly Lock s_startLock = new();

    public static void Start(WebApplicationFactory<Program> factory)
    {
        lock (s_startLock)
        {
            factory.StartServer();
        }
    }
}
