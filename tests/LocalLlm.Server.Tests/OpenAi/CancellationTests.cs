using System.Text;
using LocalLlm.Engine;

namespace LocalLlm.Server.Tests.OpenAi;

[Collection(ServerCollection.Name)]
public sealed class CancellationTests(ServerFixture server)
{
    [Fact]
    public async Task Stream_ClientDisconnectsMidStream_RequestIsDroppedAndServerKeepsServing()
    {
        LlmEngine engine = server.Registry.Find(ServerFixture.ModelId)!.Engine;
        long abortedBefore = engine.Statistics.AbortedRequests;
        string body = $$"""{"model":"{{ServerFixture.ModelId}}","stream":true,"ignore_eos":true,"max_tokens":3000,"messages":[{"role":"user","content":"Go on forever"}]}""";

        using (var cts = new CancellationTokenSource())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using HttpResponseMessage response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            for (int events = 0; events < 5;)
            {
                string? line = await reader.ReadLineAsync(cts.Token);
                if (line?.StartsWith("data: ", StringComparison.Ordinal) == true)
                {
                    events++;
                }
            }

            await cts.CancelAsync();
        }

        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (engine.Statistics.AbortedRequests == abortedBefore && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(abortedBefore + 1, engine.Statistics.AbortedRequests);
        Assert.Equal(0, engine.RunningRequests);
    }
}
