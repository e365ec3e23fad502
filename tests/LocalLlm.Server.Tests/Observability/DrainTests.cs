using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using LocalLlm.ModelForge;

namespace LocalLlm.Server.Tests.Observability;

/// <summary>SIGTERM sent to a real server process while streams are in flight.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task Sigterm_EightStreamsInFlight_AllFinishNewRequestsGet503AndProcessExitsZero()
    {
        int port = FreePort();
        using Process server = StartServer(port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(2) };
        try
        {
            await WaitReadyAsync(http, server);
            var streams = new List<(HttpResponseMessage Response, StreamReader Reader)>();
            for (int i = 0; i < 8; i++)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Body(stream: true, maxTokens: 500) };
                HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
                streams.Add((response, reader));
            }

            using (Process kill = Process.Start("kill", $"-TERM {server.Id}"))
            {
                await kill.WaitForExitAsync();
            }

            // The signal is handled on the runtime's signal thread; readiness flips as soon as it runs.
            HttpStatusCode readiness = HttpStatusCode.OK;
            for (DateTime deadline = DateTime.UtcNow.AddSeconds(2); readiness == HttpStatusCode.OK && DateTime.UtcNow < deadline;)
            {
                using HttpResponseMessage ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                readiness = ready.StatusCode;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness);
            using HttpResponseMessage refused = await http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), Body(stream: false, maxTokens: 2));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("service_unavailable", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());

            foreach ((HttpResponseMessage response, StreamReader reader) in streams)
            {
                string rest = await reader.ReadToEndAsync();
                Assert.Contains("\"finish_reason\":\"length\"", rest, StringComparison.Ordinal);
                Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);
                reader.Dispose();
                response.Dispose();
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await server.WaitForExitAsync(exit.Token);
            Assert.Equal(0, server.ExitCode);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }

    private static StringContent Body(bool stream, int maxTokens) => new(
        $$"""{"model":"drain-test","stream":{{(stream ? "true" : "false")}},"ignore_eos":true,"max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"Tell a long story"}]}""",
        Encoding.UTF8,
        "application/json");

    private static Process StartServer(int port)
    {
        string configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        DirectoryInfo root = new(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "LocalLlm.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Repository root not found.");
        }

        string dll = Path.Combine(root.FullName, "src", "LocalLlm.Server", "bin", configuration, "net10.0", "LocalLlm.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            dll, "--model", ForgeCache.GetOrCreate(TinyModelSpec.Test), "--alias", "drain-test", "--urls", $"http://127.0.0.1:{port}",
            "--threads", "1", "--parallel", "8", "--ctx-size", "16384", "--drain-timeout", "60",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient http, Process server)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !server.HasExited)
        {
            try
            {
                using HttpResponseMessage ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
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

        throw new InvalidOperationException("The server did not become ready.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
