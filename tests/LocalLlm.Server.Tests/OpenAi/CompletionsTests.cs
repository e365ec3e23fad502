using System.Text.Json;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>POST /v1/completions over raw HTTP (the .NET SDK has no legacy completions client): prompt forms, echo, defaults.</summary>
[Collection(ServerCollection.Name)]
public sealed class CompletionsTests(ServerFixture server)
{
    private const string Model = OpenAiHttp.Model;

    [Fact]
    public async Task Complete_StringPromptWithoutMaxTokens_SixteenTokensAsOpenAiDefaults()
    {
        JsonElement response = await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"Once upon a time","temperature":0,"ignore_eos":true}""");

        Assert.Equal("text_completion", response.GetProperty("object").GetString());
        Assert.StartsWith("cmpl-", response.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(Model, response.GetProperty("model").GetString());
        JsonElement choice = Assert.Single(response.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.False(string.IsNullOrEmpty(choice.GetProperty("text").GetString()));
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        JsonElement usage = response.GetProperty("usage");
        Assert.Equal(16, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(server.Tokenizer().Tokenize("Once upon a time", addSpecial: true, parseSpecial: true).Length, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + 16, usage.GetProperty("total_tokens").GetInt32());
        Assert.True(usage.GetProperty("prompt_tokens_details").TryGetProperty("cached_tokens", out _));
    }

    [Fact]
    public async Task Complete_TokenIdPrompt_SameTextAsItsStringPrompt()
    {
        const string prompt = "The lighthouse keeper said";
        int[] tokens = server.Tokenizer().Tokenize(prompt, addSpecial: true, parseSpecial: true);

        string fromText = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"{{prompt}}","max_tokens":10,"temperature":0}"""));
        string fromTokens = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":{{JsonSerializer.Serialize(tokens)}},"max_tokens":10,"temperature":0}"""));

        Assert.Equal(fromText, fromTokens);
    }

    [Fact]
    public async Task Complete_ArrayOfStringsWithNTwo_EachPromptGetsItsOwnChoicesInOrder()
    {
        string[] prompts = ["The sea is", "Mountains are tall because"];
        string single0 = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions", $$"""{"model":"{{Model}}","prompt":"{{prompts[0]}}","max_tokens":6,"temperature":0,"ignore_eos":true}"""));
        string single1 = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions", $$"""{"model":"{{Model}}","prompt":"{{prompts[1]}}","max_tokens":6,"temperature":0,"ignore_eos":true}"""));

        JsonElement response = await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":{{JsonSerializer.Serialize(prompts)}},"n":2,"max_tokens":6,"temperature":0,"ignore_eos":true}""");

        JsonElement[] choices = response.GetProperty("choices").EnumerateArray().ToArray();
        Assert.Equal([0, 1, 2, 3], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal([single0, single0, single1, single1], choices.Select(c => c.GetProperty("text").GetString()));
        int promptTokens = prompts.Sum(p => server.Tokenizer().Tokenize(p, addSpecial: true, parseSpecial: true).Length);
        Assert.Equal(promptTokens, response.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4 * 6, response.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Complete_ArrayOfTokenArrays_OneChoicePerPromptMatchingTheirStrings()
    {
        string[] prompts = ["A river runs", "Seven green"];
        int[][] tokens = prompts.Select(p => server.Tokenizer().Tokenize(p, addSpecial: true, parseSpecial: true)).ToArray();

        string fromTokens = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":{{JsonSerializer.Serialize(tokens)}},"max_tokens":8,"temperature":0}"""));
        string fromText = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":{{JsonSerializer.Serialize(prompts)}},"max_tokens":8,"temperature":0}"""));

        Assert.Equal(2, fromTokens.Split('|').Length);
        Assert.Equal(fromText, fromTokens);
    }

    [Fact]
    public async Task Complete_Echo_PromptPrecedesTheCompletion()
    {
        const string prompt = "Echo this prompt:";
        string plain = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"{{prompt}}","max_tokens":5,"temperature":0}"""));
        int[] tokens = server.Tokenizer().Tokenize(prompt, addSpecial: true, parseSpecial: true);

        string echoed = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"{{prompt}}","echo":true,"max_tokens":5,"temperature":0}"""));
        string echoedTokens = OpenAiHttp.Texts(await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":{{JsonSerializer.Serialize(tokens)}},"echo":true,"max_tokens":5,"temperature":0}"""));

        Assert.Equal(prompt + plain, echoed);
        Assert.Equal(prompt + plain, echoedTokens);
    }

    [Fact]
    public async Task Complete_MaxCompletionTokensAndMaxTokens_MaxCompletionTokensWinsWithLength()
    {
        JsonElement response = await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"Count with me:","max_tokens":3,"max_completion_tokens":7,"ignore_eos":true,"temperature":0.8}""");

        Assert.Equal("length", response.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(7, response.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Complete_Grammar_OutputFollowsIt()
    {
        const string grammar = """root ::= ("yes" | "no") " " [0-9] [0-9]""";

        JsonElement response = await server.PostOkAsync("/v1/completions",
            $$"""{"model":"{{Model}}","prompt":"Answer:","max_tokens":20,"temperature":1,"seed":3,"n":3,"grammar":{{JsonSerializer.Serialize(grammar)}}}""");

        Assert.All(response.GetProperty("choices").EnumerateArray(), c =>
        {
            Assert.Matches("^(yes|no) [0-9][0-9]$", c.GetProperty("text").GetString());
            Assert.Equal("stop", c.GetProperty("finish_reason").GetString());
        });
    }

    [Fact]
    public async Task GetModel_ById_HasOwnerCreatedAndContextLength()
    {
        using HttpResponseMessage response = await server.Http.GetAsync(new Uri($"/v1/models/{Model}", UriKind.Relative));
        JsonElement card = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(Model, card.GetProperty("id").GetString());
        Assert.Equal("model", card.GetProperty("object").GetString());
        Assert.Equal("localllm", card.GetProperty("owned_by").GetString());
        Assert.True(card.GetProperty("created").GetInt64() > 1_600_000_000);
        Assert.Equal(ServerFixture.ContextSize, card.GetProperty("max_model_len").GetInt32());
    }
}
