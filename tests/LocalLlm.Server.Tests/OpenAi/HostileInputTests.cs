using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Xunit.Abstractions;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>
/// A barrage of malformed and hostile requests, each answered with the exact 4xx and an OpenAI error object, while a
/// long stream keeps flowing beside it; the server loses nothing.
/// </summary>
[Collection(HostileInputCollection.Name)]
public sealed class HostileInputTests(HostileInputFixture server, ITestOutputHelper output) : IDisposable
{
    // Long enough that the stream outlasts the barrage on a fast machine too: when the reader lags, tokens pending
    // for a stream go out in one event, so a short stream can end in fewer events than the waves wait for.
    private const int StreamTokens = 2000;
    private const int WaveSize = 8;
    private const int EventsBetweenWaves = 3;

    private readonly Lock _patientLock = new();
    private HttpClient? _patient;

    public static TheoryData<string, string?> TolerableRequests() => new()
    {
        { HostileCase.ChatBody("\"frobnicate\": {\"deeply\": [1, 2, {\"unknown\": true}]}, \"metadata\": {\"k\": \"v\"}"), null },
        { "\uFEFF" + HostileCase.ChatBody(""), null },
        { HostileCase.ChatBody("").Replace("{\"model\": ", "{\"model\": \"gpt-9\", \"model\": ", StringComparison.Ordinal), null },
        { HostileCase.ChatBody(""), "Bearer" },
        { HostileCase.ChatBody(""), "Basic !!!not-base64!!!" },
        { HostileCase.ChatBody(""), "Bearer sk-\"quoted\" ;; ==== \t tab, comma" },
    };

    [Fact]
    public async Task Barrage_MalformedRequestsDuringAStream_EachGetsItsErrorAndTheStreamFinishes()
    {
        HostileCase[] cases = [.. HostileInputCases.Fields(), .. HostileInputCases.OtherEndpoints(), .. HostileInputCases.Bodies(), .. HostileInputCases.Routes()];
        Assert.True(cases.Length >= 40, $"Only {cases.Length} cases.");
        var progress = Channel.CreateUnbounded<int>();
        Task<StreamOutcome> stream = StreamAsync(progress.Writer);

        // Each wave is sent only once the stream has delivered more events, so the barrage runs inside the stream
        // however fast or slow the machine is: the stream is flowing between every two waves.
        var answers = new List<Task<string?>>();
        int events = 0;
        foreach ((HostileCase[] wave, int index) in cases.Chunk(WaveSize).Select((w, i) => (w, i)))
        {
            events = await WaitForEventsAsync(progress.Reader, 1 + (index * EventsBetweenWaves));
            Assert.True(events > 0, $"The stream ended before wave {index} of the barrage was sent.");
            answers.AddRange(wave.Select(CheckAsync));
        }

        string?[] failures = await Task.WhenAll(answers);
        StreamOutcome outcome = await stream;
        output.WriteLine($"{cases.Length} cases; last wave sent at stream event {events} of {outcome.Events}");

        string[] wrong = failures.OfType<string>().ToArray();
        Assert.True(wrong.Length == 0, $"{wrong.Length} of {cases.Length} cases answered wrongly:\n{string.Join('\n', wrong)}");
        Assert.Null(outcome.Error);
        Assert.True(outcome.Done, "The stream did not end with [DONE].");
        Assert.Equal("length", outcome.FinishReason);
        Assert.Equal(StreamTokens, outcome.CompletionTokens);
        Assert.True(outcome.Events > events, "The stream had ended when the last wave was sent.");
        await AssertStillServesAsync();
    }

    /// <summary>What OpenAI accepts is accepted: unknown fields, a BOM, a repeated key (the last wins), an Authorization header when none is needed.</summary>
    [Theory]
    [MemberData(nameof(TolerableRequests))]
    public async Task Post_TolerableOddity_Succeeds(string body, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, HostileCase.ChatPath)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (authorization is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("Authorization", authorization));
        }

        using HttpResponseMessage response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument completion = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(ServerFixture.ModelId, completion.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Post_UnknownUrl_SaysInvalidUrlAsOpenAiDoes()
    {
        using var content = new StringContent("{}", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await server.Http.PostAsync(new Uri("/v1/foo", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using JsonDocument error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Invalid URL (POST /v1/foo)", error.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Get_ChatCompletions_Answers405WithAllowHeader()
    {
        using HttpResponseMessage response = await server.Http.GetAsync(new Uri(HostileCase.ChatPath, UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    /// <summary>Sends one case; returns what was wrong with the answer, or null.</summary>
    private async Task<string?> CheckAsync(HostileCase badRequest)
    {
        using var request = new HttpRequestMessage(badRequest.Method, badRequest.Path);
        request.Headers.ExpectContinue = badRequest.ExpectContinue;
        if (badRequest.Body is { } body)
        {
            request.Content = badRequest.Chunked ? new UnknownLengthContent(body) : new ByteArrayContent(body);
            if (badRequest.ContentType is { } contentType)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        try
        {
            using HttpResponseMessage response = await (badRequest.ExpectContinue ? PatientClient() : server.Http).SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            return Describe(badRequest, response, text);
        }
        catch (HttpRequestException e)
        {
            return $"{badRequest.Name}: {e}";
        }
    }

    private static string? Describe(HostileCase badRequest, HttpResponseMessage response, string text)
    {
        string where = $"{badRequest.Name}: got {(int)response.StatusCode} {text}";
        if ((int)response.StatusCode != badRequest.Status)
        {
            return $"{where} (expected {badRequest.Status})";
        }

        if (badRequest.Status == 413 && response.Headers.ConnectionClose != true)
        {
            return $"{where} (the connection with the unread body was left open)";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/json")
        {
            return $"{where} (Content-Type {response.Content.Headers.ContentType})";
        }

        using JsonDocument document = JsonDocument.Parse(text);
        if (!document.RootElement.TryGetProperty("error", out JsonElement error)
            || error.GetProperty("message").GetString() is not { Length: > 0 }
            || error.GetProperty("type").GetString() != "invalid_request_error"
            || !error.TryGetProperty("code", out JsonElement code) || !error.TryGetProperty("param", out JsonElement param))
        {
            return $"{where} (not an OpenAI error object)";
        }

        if (badRequest.Param is not null && param.GetString() != badRequest.Param)
        {
            return $"{where} (expected param {badRequest.Param})";
        }

        return badRequest.Code is not null && code.GetString() != badRequest.Code ? $"{where} (expected code {badRequest.Code})" : null;
    }

    /// <summary>The number of stream events seen once it reaches <paramref name="target"/>, or 0 if the stream ends first.</summary>
    public void Dispose() => _patient?.Dispose();

    /// <summary>A client that waits for the server's answer to <c>Expect: 100-continue</c> however loaded the machine is.</summary>
    private HttpClient PatientClient()
    {
        lock (_patientLock)
        {
            return _patient ??= new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) })
            {
                BaseAddress = server.BaseAddress,
            };
        }
    }

    private static async Task<int> WaitForEventsAsync(ChannelReader<int> progress, int target)
    {
        int seen = 0;
        while (seen < target && await progress.WaitToReadAsync())
        {
            while (progress.TryRead(out int count))
            {
                seen = count;
            }
        }

        return seen >= target ? seen : 0;
    }

    private async Task<StreamOutcome> StreamAsync(ChannelWriter<int> progress)
    {
        string body = HostileCase.ChatBody(
            $"\"max_tokens\": {StreamTokens}, \"ignore_eos\": true, \"temperature\": 0, \"stream\": true, \"stream_options\": {{\"include_usage\": true}}",
            """[{"role":"user","content":"Tell me a very long story about a lighthouse."}]""");
        var outcome = new StreamOutcome();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, HostileCase.ChatPath) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using HttpResponseMessage response = await server.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    outcome.Read(line["data: ".Length..]);
                    progress.TryWrite(outcome.Events);
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
        {
            outcome.Error = e.Message;
        }
        finally
        {
            progress.TryComplete();
        }

        return outcome;
    }

    private async Task AssertStillServesAsync()
    {
        using var content = new StringContent(HostileCase.ChatBody(""), Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await server.Http.PostAsync(new Uri(HostileCase.ChatPath, UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument completion = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, completion.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.True(server.Registry.Find(ServerFixture.ModelId)!.Engine.IsAlive);
    }

    private sealed class StreamOutcome
    {
        public string? Error { get; set; }

        public bool Done { get; private set; }

        public string? FinishReason { get; private set; }

        public int? CompletionTokens { get; private set; }

        public int Events { get; private set; }

        public void Read(string data)
        {
            Events++;
            if (data == "[DONE]")
            {
                Done = true;
                return;
            }

            using JsonDocument chunk = JsonDocument.Parse(data);
            JsonElement root = chunk.RootElement;
            if (root.TryGetProperty("error", out JsonElement error))
            {
                Error = error.ToString();
            }

            if (root.TryGetProperty("choices", out JsonElement choices) && choices.GetArrayLength() > 0
                && choices[0].GetProperty("finish_reason").GetString() is { } finish)
            {
                FinishReason = finish;
            }

            if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
            {
                CompletionTokens = usage.GetProperty("completion_tokens").GetInt32();
            }
        }
    }

    /// <summary>A body whose length is not known up front, so it goes out chunked, without Content-Length.</summary>
    private sealed class UnknownLengthContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
