using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LocalLlm.ModelForge;

namespace LocalLlm.Server.Tests.Observability;

/// <summary>The built server as a child process on a free loopback port, serving the forge's tiny test model, with its stdout kept line by line.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();

    public ServerProcess(string alias, IEnumerable<string> extraArgs, IReadOnlyDictionary<string, string>? environment = null)
    {
        Alias = alias;
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[]
        {
            ServerDll(), "--model", ForgeCache.GetOrCreate(TinyModelSpec.Test), "--alias", alias, "--urls", $"http://127.0.0.1:{port}",
            "--threads", "1", "--parallel", "4", "--ctx-size", "2048",
        }.Concat(extraArgs))
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stdout.Enqueue(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Http { get; }

    public string Alias { get; }

    public Process Process => _process;

    /// <summary>Stdout so far; complete once <see cref="StopAsync"/> returned.</summary>
    public IReadOnlyList<string> Stdout => _stdout.ToArray();

    public static string RepositoryRoot()
    {
        DirectoryInfo root = new(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "LocalLlm.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Repository root not found.");
        }

        return root.FullName;
    }

    public async Task WaitReadyAsync()
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using HttpResponseMessage ready = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("The server did not become ready:\n" + string.Join('\n', Stdout));
    }

    /// <summary>SIGTERM, then waits for the exit and for the last stdout line.</summary>
    public async Task<int> StopAsync()
    {
        using (Process kill = Process.Start("kill", $"-TERM {_process.Id}"))
        {
            await kill.WaitForExitAsync();
        }

        using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(exit.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static string ServerDll()
    {
        string configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        return Path.Combine(RepositoryRoot(), "src", "LocalLlm.Server", "bin", configuration, "net10.0", "LocalLlm.Server.dll");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
