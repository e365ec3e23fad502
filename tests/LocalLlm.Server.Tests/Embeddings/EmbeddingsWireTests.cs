using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalLlm.Server.Tests.Embeddings;

/// <summary>/v1/embeddings as raw HTTP: the wire shape, both encodings, token-id inputs and the 4xx answers.</summary>
[Collection(EmbeddingServerCollection.Name)]
public sealed class EmbeddingsWireTests(EmbeddingServerFixture server)
{
    private const string Model = EmbeddingServerFixture.EmbeddingModelId;

    [Fact]
    public async Task Post_FloatEncoding_AnswersOpenAiShape()
    {
        using JsonDocument body = await PostOk(new JsonObject { ["model"] = Model, ["input"] = new JsonArray("hello world", "the thing"), ["user"] = "u" });
        JsonElement root = body.RootElement;

        Assert.Equal("list", root.GetProperty("object").GetString());
        Assert.Equal(Model, root.GetProperty("model").GetString());
        JsonElement[] data = root.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(2, data.Length);
        for (var i = 0; i < data.Length; i++)
        {
            Assert.Equal("embedding", data[i].GetProperty("object").GetString());
            Assert.Equal(i, data[i].GetProperty("index").GetInt32());
            Assert.Equal(EmbeddingServerFixture.Dimensions, data[i].GetProperty("embedding").GetArrayLength());
        }

        int tokens = server.Tokens("hello world").Length + server.Tokens("the thing").Length;
        Assert.Equal(tokens, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(tokens, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_Base64Encoding_DecodesToTheFloatVectors()
    {
        var input = new JsonArray("hello world", "the thing is");

        using JsonDocument floats = await PostOk(new JsonObject { ["model"] = Model, ["input"] = input.DeepClone(), ["encoding_format"] = "float" });
        using JsonDocument base64 = await PostOk(new JsonObject { ["model"] = Model, ["input"] = input.DeepClone(), ["encoding_format"] = "base64" });

        JsonElement[] floatData = floats.RootElement.GetProperty("data").EnumerateArray().ToArray();
        JsonElement[] base64Data = base64.RootElement.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(floatData.Length, base64Data.Length);
        for (var i = 0; i < floatData.Length; i++)
        {
            float[] expected = floatData[i].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            byte[] bytes = Convert.FromBase64String(base64Data[i].GetProperty("embedding").GetString()!);
            float[] decoded = Enumerable.Range(0, bytes.Length / sizeof(float))
                .Select(k => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(k * sizeof(float))))
                .ToArray();
            Assert.Equal(expected, decoded);
        }
    }

    [Fact]
    public async Task Post_TokenIds_OneArrayIsOneInputAndArraysOfArraysAreSeveral()
    {
        int[] hello = server.Tokens("hello world");
        int[] thing = server.Tokens("the thing");

        using JsonDocument single = await PostOk(new JsonObject { ["model"] = Model, ["input"] = Ids(hello) });
        using JsonDocument several = await PostOk(new JsonObject { ["model"] = Model, ["input"] = new JsonArray(Ids(thing), Ids(hello)) });
        using JsonDocument text = await PostOk(new JsonObject { ["model"] = Model, ["input"] = "hello world" });

        Assert.Single(single.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal(hello.Length, single.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, several.RootElement.GetProperty("data").GetArrayLength());
        Assert.Equal(hello.Length + thing.Length, several.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        float[] fromText = Vector(text, 0);
        Assert.Equal(fromText, Vector(single, 0));
        Assert.True(MaxDifference(fromText, Vector(several, 1)) <= 1e-4f);
        Assert.True(MaxDifference(fromText, Vector(several, 0)) > 0.01f);
    }

    [Theory]
    [InlineData("\"\"", "empty string")]
    [InlineData("[]", "empty array")]
    [InlineData("[\"hello\", \"\"]", "input[1]' is an empty string")]
    [InlineData("[[1, 2], []]", "input[1]' is an empty array")]
    [InlineData("[\"hello\", 5]", "input[1]' must be a string")]
    [InlineData("[1, 2.5]", "is 2.5, not a token id")]
    [InlineData("[[1, 2], [3, 99999]]", "token 99999, outside the vocabulary [0, 2048)")]
    [InlineData("[-1]", "token -1, outside the vocabulary")]
    [InlineData("42", "must be a string, an array of strings")]
    [InlineData("null", "must provide an input")]
    public async Task Post_BadInput_Fails400NamingInput(string input, string message)
    {
        using HttpResponseMessage response = await Post($$"""{"model": "{{Model}}", "input": {{input}}}""");

        await AssertError(response, HttpStatusCode.BadRequest, message, "input");
    }

    [Fact]
    public async Task Post_MoreThan2048Inputs_Fails400()
    {
        var inputs = new JsonArray(Enumerable.Range(0, 2049).Select(_ => (JsonNode)JsonValue.Create("hi")).ToArray());

        using HttpResponseMessage response = await Post(new JsonObject { ["model"] = Model, ["input"] = inputs }.ToJsonString());

        await AssertError(response, HttpStatusCode.BadRequest, "at most 2048", "input");
    }

    [Fact]
    public async Task Post_InputLongerThanContext_Fails400WithTheNumbers()
    {
        int[] tooLong = Enumerable.Repeat(server.Tokens("hello")[0], EmbeddingServerFixture.EmbeddingContext + 1).ToArray();

        using HttpResponseMessage response = await Post(new JsonObject { ["model"] = Model, ["input"] = new JsonArray(Ids([1, 2]), Ids(tooLong)) }.ToJsonString());

        JsonElement error = await AssertError(response, HttpStatusCode.BadRequest,
            $"Input 1 has {EmbeddingServerFixture.EmbeddingContext + 1} tokens; this model embeds at most {EmbeddingServerFixture.EmbeddingContext}", "input");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("\"dimensions\": 32", "can't shorten", "dimensions")]
    [InlineData("\"encoding_format\": \"int8\"", "'float' or 'base64'", "encoding_format")]
    public async Task Post_UnsupportedOption_Fails400NamingIt(string option, string message, string param)
    {
        using HttpResponseMessage response = await Post($$"""{"model": "{{Model}}", "input": "hello", {{option}}}""");

        await AssertError(response, HttpStatusCode.BadRequest, message, param);
    }

    [Fact]
    public async Task Post_UnknownModel_Fails404()
    {
        using HttpResponseMessage response = await Post("""{"model": "absent", "input": "hello"}""");

        JsonElement error = await AssertError(response, HttpStatusCode.NotFound, "'absent' does not exist", "model");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Post_GenerationModel_Fails400()
    {
        using HttpResponseMessage response = await Post($$"""{"model": "{{EmbeddingServerFixture.ChatModelId}}", "input": "hello"}""");

        JsonElement error = await AssertError(response, HttpStatusCode.BadRequest, "does not serve embeddings", "model");
        Assert.Equal("model_not_supported", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ChatCompletions_EmbeddingModel_Fails400()
    {
        using var content = new StringContent(
            $$"""{"model": "{{Model}}", "messages": [{"role": "user", "content": "hello"}], "max_tokens": 2}""", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await server.Http.PostAsync("/v1/chat/completions", content);

        JsonElement error = await AssertError(response, HttpStatusCode.BadRequest, "serves embeddings only", "model");
        Assert.Equal("model_not_supported", error.GetProperty("code").GetString());
    }

    private static JsonArray Ids(int[] tokens) => new(tokens.Select(t => (JsonNode)JsonValue.Create(t)).ToArray());

    private static float[] Vector(JsonDocument body, int index) =>
        body.RootElement.GetProperty("data")[index].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();

    private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private async Task<JsonDocument> PostOk(JsonObject request)
    {
        using HttpResponseMessage response = await Post(request.ToJsonString());
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }

    private async Task<HttpResponseMessage> Post(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await server.Http.PostAsync("/v1/embeddings", content);
    }

    private static async Task<JsonElement> AssertError(HttpResponseMessage response, HttpStatusCode status, string message, string param)
    {
        Assert.Equal(status, response.StatusCode);
        JsonElement error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        return error;
    }
}
