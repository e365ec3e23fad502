using System.Net;
using System.Text;
using System.Text.Json;
using LocalLlm.Engine;
using LocalLlm.Engine.Requests;
using OpenAI.Chat;

namespace LocalLlm.Server.Tests.Engine;

/// <summary>Paged KV allocation, preemption and prefix caching through the real server and the real backend.</summary>
[Collection(KvPressureCollection.Name)]
public sealed class KvPressureTests(KvPressureFixture server)
{
    private LlmEngine Engine => server.Registry.Find(ServerFixture.ModelId)!.Engine;

    /// <summary>
    /// Greedy decoding is not bit-for-bit batch invariant: a sequence's cells sit at other offsets among other
    /// sequences' cells (float sums run in another order), a recompute after preemption runs the batched matrix
    /// kernels instead of the single-token ones, and the F16 KV cache rounds those differences to its last bit.
    /// Measured here, that noise moves log probabilities by up to about 0.01. A concurrent run may therefore leave the
    /// alone run only for the runner-up token, where the alone run's two best tokens were that close; anywhere else
    /// a difference means corrupted KV (a wrong share, a wrong recompute after preemption), which moves logits by far more.
    /// </summary>
    [Fact]
    public async Task Submit_SixtyFourConcurrentWhereEightFit_MatchAloneGreedyTokensUpToFloatTies()
    {
        const int outputTokens = 200;
        const float tie = 0.05f;
        int[][] prompts = Enumerable.Range(0, 8)
            .Select(i => Engine.Backend.Tokenizer.Tokenize($"Story {i}: the keeper of lighthouse number {i * 37} walked along the shore.", true, true))
            .ToArray();
        var alone = new List<TokenLogprob>[8];
        for (int i = 0; i < 8; i++)
        {
            alone[i] = await GenerateAsync(prompts[i], outputTokens, topLogprobs: 2);
        }

        long preemptionsBefore = Engine.Statistics.Preemptions;
        List<TokenLogprob>[] concurrent = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => GenerateAsync(prompts[i % 8], outputTokens, topLogprobs: null)));

        Assert.True(Engine.Statistics.Preemptions > preemptionsBefore, "the KV cache never ran out");
        int exact = 0;
        for (int i = 0; i < 64; i++)
        {
            List<TokenLogprob> reference = alone[i % 8];
            Assert.Equal(outputTokens, concurrent[i].Count);
            int divergence = Enumerable.Range(0, outputTokens).FirstOrDefault(t => concurrent[i][t].Token != reference[t].Token, -1);
            if (divergence < 0)
            {
                exact++;
                continue;
            }

            IReadOnlyList<(int Token, float Logprob)> top = reference[divergence].Top;
            Assert.True(top[0].Logprob - top[1].Logprob < tie, $"request {i} left the alone run at token {divergence} where the alone run's margin was {top[0].Logprob - top[1].Logprob}");
            Assert.Equal(top[1].Token, concurrent[i][divergence].Token);
        }

        Assert.True(exact > 0);
        await WaitUntilIdleAsync();
        Assert.Equal(0, Engine.Statistics.KvCacheUsage);
    }

    private async Task<List<TokenLogprob>> GenerateAsync(int[] prompt, int maxTokens, int? topLogprobs)
    {
        var request = new GenerationRequest
        {
            RequestId = Guid.NewGuid().ToString("N"),
            PromptTokens = prompt,
            MaxTokens = maxTokens,
            IgnoreEos = true,
            TopLogprobs = topLogprobs,
        };
        var tokens = new List<TokenLogprob>();
        await foreach (GenerationEvent update in Engine.Submit(request).ReadAllAsync())
        {
            if (update.Token >= 0)
            {
                tokens.Add(update.Logprob ?? new TokenLogprob(update.Token, 0, []));
            }
        }

        return tokens;
    }

    [Fact]
    public async Task Complete_SecondRequestSharesAThousandTokenPrefix_ReusesItAndComputesOnlyTheRest()
    {
        string system = string.Join(" ", Enumerable.Range(0, 230).Select(i => $"rule{i % 17}"));
        ChatCompletion first = await CompleteAsync(system, "First question about tides?");
        Assert.InRange(first.Usage.InputTokenCount, 1000, 1400);
        await WaitUntilIdleAsync();

        long batchedBefore = Engine.Statistics.BatchedTokens;
        ChatCompletion second = await CompleteAsync(system, "Second question, about storms?");
        long computed = Engine.Statistics.BatchedTokens - batchedBefore;

        int cached = second.Usage.InputTokenDetails.CachedTokenCount;
        Assert.True(cached >= 960, $"only {cached} of {second.Usage.InputTokenCount} prompt tokens came from the cache");
        Assert.Equal(0, first.Usage.InputTokenDetails.CachedTokenCount);
        int remainder = second.Usage.InputTokenCount - cached;
        Assert.Equal(remainder + second.Usage.OutputTokenCount - 1, computed);
    }

    [Fact]
    public async Task Stream_ClientDisconnects_ItsBlocksAreFreedAtTheNextStep()
    {
        await WaitUntilIdleAsync();
        string body = $$"""{"model":"{{ServerFixture.ModelId}}","stream":true,"ignore_eos":true,"max_tokens":1500,"messages":[{"role":"user","content":"Go on"}]}""";
        using (var cts = new CancellationTokenSource())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using HttpResponseMessage response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            for (int events = 0; events < 20;)
            {
                if ((await reader.ReadLineAsync(cts.Token))?.StartsWith("data: ", StringComparison.Ordinal) == true)
                {
                    events++;
                }
            }

            Assert.True(Engine.Statistics.KvCacheUsage > 0);
            await cts.CancelAsync();
        }

        await WaitUntilIdleAsync();
        Assert.Equal(0, Engine.Statistics.KvCacheUsage);
        Assert.Equal(0, Engine.RunningRequests);
    }

    [Fact]
    public async Task Post_QueueFull_AnswersTooManyRequestsWithRetryAfter()
    {
        await WaitUntilIdleAsync();

        // As long as the context allows: every stream must still be running or queued when the last one is sent,
        // however fast this machine decodes (the KV cache holds about eight at a time, so the first finish after
        // max_tokens steps while the others are still being sent one by one).
        string body = $$"""{"model":"{{ServerFixture.ModelId}}","stream":true,"ignore_eos":true,"max_tokens":1900,"messages":[{"role":"user","content":"Keep going"}]}""";
        using var cts = new CancellationTokenSource();
        var streams = new List<HttpResponseMessage>();
        try
        {
            for (int i = 0; i < KvPressureFixture.Parallel + 4; i++)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                streams.Add(await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token));
            }

            Assert.All(streams, s => Assert.Equal(HttpStatusCode.OK, s.StatusCode));
            using var overflow = new StringContent(body, Encoding.UTF8, "application/json");
            using HttpResponseMessage refused = await server.Http.PostAsync(new Uri("/v1/chat/completions", UriKind.Relative), overflow);

            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            using JsonDocument error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal("rate_limit_exceeded", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        }
        finally
        {
            await cts.CancelAsync();
            streams.ForEach(s => s.Dispose());
        }

        await WaitUntilIdleAsync();
    }

    private async Task<ChatCompletion> CompleteAsync(string system, string user)
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0 };
        return (await server.Chat().CompleteChatAsync([new SystemChatMessage(system), new UserChatMessage(user)], options)).Value;
    }

    private async Task WaitUntilIdleAsync()
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while ((Engine.RunningRequests > 0 || Engine.Statistics.KvCacheUsage > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
    }
}
