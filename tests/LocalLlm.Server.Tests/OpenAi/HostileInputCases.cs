using System.Text;
using static LocalLlm.Server.Tests.OpenAi.HostileCase;

namespace LocalLlm.Server.Tests.OpenAi;

/// <summary>Malformed and hostile requests, each with the exact status and error the server must answer.</summary>
internal static class HostileInputCases
{
    private const int Limit = HostileInputFixture.MaxBodySize;

    /// <summary>Every field of the chat request with a wrong type or a value out of range.</summary>
    public static IEnumerable<HostileCase> Fields() =>
    [
        ChatCase("messages an object", "", 400, "messages", messages: """{"role":"user","content":"hi"}"""),
        ChatCase("messages a string", "", 400, "messages", messages: "\"hi\""),
        ChatCase("messages null", "", 400, "messages", messages: "null"),
        ChatCase("messages [null]", "", 400, "messages[0].role", messages: "[null]"),
        ChatCase("role unknown", "", 400, "messages[0].role", messages: """[{"role":"wizard","content":"hi"}]"""),
        ChatCase("role null", "", 400, "messages[0].role", messages: """[{"role":null,"content":"hi"}]"""),
        ChatCase("content a number", "", 400, "messages[0].content", messages: """[{"role":"user","content":42}]"""),
        ChatCase("content part image_url", "", 400, "messages[0].content[0]",
            messages: """[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}]"""),
        ChatCase("tool_calls on a user message", "", 400, "messages[0].tool_calls",
            messages: """[{"role":"user","content":"hi","tool_calls":[]}]"""),
        ChatCase("tool message without tool_call_id", "", 400, "messages[0].tool_call_id", messages: """[{"role":"tool","content":"42"}]"""),
        RawCase("model a number", """{"model": 7, "messages": [{"role":"user","content":"hi"}]}""", 400, "model"),
        RawCase("model null", """{"model": null, "messages": [{"role":"user","content":"hi"}]}""", 400, "model"),
        ChatCase("temperature \"hot\"", "\"temperature\": \"hot\"", 400, "temperature"),
        ChatCase("temperature 2.5", "\"temperature\": 2.5", 400, "temperature"),
        ChatCase("temperature \"NaN\"", "\"temperature\": \"NaN\"", 400, "temperature"),
        ChatCase("top_p 0", "\"top_p\": 0", 400, "top_p"),
        ChatCase("top_k -1", "\"top_k\": -1", 400, "top_k"),
        ChatCase("repetition_penalty 0", "\"repetition_penalty\": 0", 400, "repetition_penalty"),
        ChatCase("presence_penalty 3", "\"presence_penalty\": 3", 400, "presence_penalty"),
        ChatCase("frequency_penalty -2.5", "\"frequency_penalty\": -2.5", 400, "frequency_penalty"),

        // n is limited by --max-n (8 by default).
        ChatCase("n 0", "\"n\": 0", 400, "n"),
        ChatCase("n 100", "\"n\": 100", 400, "n"),
        ChatCase("max_tokens 0", "\"max_tokens\": 0", 400, "max_tokens"),
        ChatCase("max_tokens -5", "\"max_tokens\": -5", 400, "max_tokens"),
        ChatCase("max_tokens 1e12", "\"max_tokens\": 1e12", 400, "max_tokens"),
        ChatCase("max_tokens past int range", "\"max_tokens\": 99999999999", 400, "max_tokens"),
        ChatCase("max_completion_tokens a string", "\"max_completion_tokens\": \"10\"", 400, "max_completion_tokens"),
        ChatCase("stop with 5 items", """ "stop": ["a","b","c","d","e"] """, 400, "stop"),
        ChatCase("stop a number", "\"stop\": 5", 400, "stop"),
        ChatCase("seed a string", "\"seed\": \"lucky\"", 400, "seed"),
        ChatCase("seed past long range", "\"seed\": 1e30", 400, "seed"),
        ChatCase("stream \"yes\"", "\"stream\": \"yes\"", 400, "stream"),
        ChatCase("stream_options a string", "\"stream_options\": \"usage\"", 400, "stream_options"),
        ChatCase("tools an object", """ "tools": {"type":"function"} """, 400, "tools"),
        ChatCase("tools[0] without function", """ "tools": [{"type":"function"}] """, 400, "tools[0].function"),
        ChatCase("tools[0] of type retrieval", """ "tools": [{"type":"retrieval","function":{"name":"f"}}] """, 400, "tools[0].type"),
        ChatCase("tool_choice naming a missing function",
            """ "tools": [{"type":"function","function":{"name":"weather"}}], "tool_choice": {"type":"function","function":{"name":"stocks"}} """,
            400, "tool_choice"),
        ChatCase("tool_choice a number", "\"tool_choice\": 1", 400, "tool_choice"),
        ChatCase("parallel_tool_calls \"sure\"", "\"parallel_tool_calls\": \"sure\"", 400, "parallel_tool_calls"),
        ChatCase("chat_template_kwargs an array", "\"chat_template_kwargs\": [1]", 400, "chat_template_kwargs"),
        ChatCase("reasoning_format unknown", "\"reasoning_format\": \"loud\"", 400, "reasoning_format"),
        ChatCase("top_logprobs 21", "\"logprobs\": true, \"top_logprobs\": 21", 400, "top_logprobs"),
        ChatCase("top_logprobs -1", "\"logprobs\": true, \"top_logprobs\": -1", 400, "top_logprobs"),
        ChatCase("logit_bias key not a token id", """ "logit_bias": {"hello": 5} """, 400, "logit_bias"),
        ChatCase("logit_bias value 200", """ "logit_bias": {"15": 200} """, 400, "logit_bias"),
        ChatCase("response_format xml", """ "response_format": {"type": "xml"} """, 400, "response_format"),
        ChatCase("audio output asked for", """ "audio": {"voice": "alloy", "format": "wav"} """, 400, "audio"),
        ChatCase("modalities with audio", """ "modalities": ["text", "audio"] """, 400, "modalities"),
        ChatCase("legacy functions", """ "functions": [{"name": "f", "parameters": {}}] """, 400, "functions"),
        ChatCase("web_search_options", """ "web_search_options": {} """, 400, "web_search_options"),
    ];

    /// <summary>The other POST endpoints: completions and embeddings (the fixture's model generates; it serves no embeddings).</summary>
    public static IEnumerable<HostileCase> OtherEndpoints() =>
    [
        Post(CompletionsPath, "completions without prompt", """{"model":"tiny-test"}""", 400, "prompt"),
        Post(CompletionsPath, "completions prompt a number", """{"model":"tiny-test","prompt":42}""", 400, "prompt"),
        Post(CompletionsPath, "completions prompt an empty array", """{"model":"tiny-test","prompt":[]}""", 400, "prompt"),
        Post(CompletionsPath, "completions token id past the vocabulary", """{"model":"tiny-test","prompt":[1, 99999999]}""", 400, "prompt"),
        Post(CompletionsPath, "completions negative token id", """{"model":"tiny-test","prompt":[-1]}""", 400, "prompt"),
        Post(CompletionsPath, "completions suffix", """{"model":"tiny-test","prompt":"a","suffix":"b","max_tokens":2}""", 400, "suffix"),
        Post(CompletionsPath, "completions best_of 3 with n 1", """{"model":"tiny-test","prompt":"a","best_of":3,"max_tokens":2}""", 400, "best_of"),
        Post(CompletionsPath, "completions logprobs 6", """{"model":"tiny-test","prompt":"a","logprobs":6,"max_tokens":2}""", 400, "logprobs"),
        Post(CompletionsPath, "completions echo \"yes\"", """{"model":"tiny-test","prompt":"a","echo":"yes","max_tokens":2}""", 400, "echo"),
        Post(CompletionsPath, "completions grammar unparseable", """{"model":"tiny-test","prompt":"a","grammar":"root ::= (","max_tokens":2}""", 400, "grammar"),
        Post(EmbeddingsPath, "embeddings from a chat model", """{"model":"tiny-test","input":"a"}""", 400, "model"),
        Post(EmbeddingsPath, "embeddings without model", """{"input":"a"}""", 400, "model"),
        Post(EmbeddingsPath, "embeddings from an unknown model", """{"model":"nope","input":"a"}""", 404, "model"),
    ];

    /// <summary>Bodies that are not a well-formed JSON object in UTF-8, or are too large.</summary>
    public static IEnumerable<HostileCase> Bodies()
    {
        string tooLarge = ChatBody("", $$"""[{"role":"user","content":"{{new string('a', Limit)}}"}]""");
        string farTooLarge = ChatBody("", $$"""[{"role":"user","content":"{{new string('a', 64 * Limit)}}"}]""");
        return
        [
            Body("invalid UTF-8 in content", Bytes("""{"model":"tiny-test","messages":[{"role":"user","content":"h""", new byte[] { 0xC3, 0x28 }, "\"}]}"), 400, code: "invalid_utf8"),
            Body("invalid UTF-8 in model", Bytes("""{"model":"tiny""", new byte[] { 0xFF, 0xFE }, "\",\"messages\":[]}"), 400, code: "invalid_utf8"),
            Body("UTF-8 cut off at the end", Bytes("""{"model":"tiny-test","messages":[{"role":"user","content":"hi"}]}""", new byte[] { 0xE2, 0x82 }), 400, code: "invalid_utf8"),
            Body("UTF-16 body", Encoding.Unicode.GetBytes(ChatBody("")), 400),
            RawCase("200-deep arrays in tools", ChatBody($"\"tools\": {new string('[', 200)}{new string(']', 200)}"), 400),
            RawCase("200-deep objects in chat_template_kwargs",
                ChatBody("\"chat_template_kwargs\": " + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)), 400),
            RawCase("200-deep arrays as the body", new string('[', 200) + new string(']', 200), 400),
            RawCase("truncated JSON", """{"model": "tiny-test", "messages": [{"role":"user","con""", 400),
            RawCase("truncated string", """{"model": "tiny-te""", 400),
            Body("empty body", [], 400),
            RawCase("whitespace body", "  \n ", 400),
            RawCase("a JSON array", """[{"model":"tiny-test"}]""", 400),
            RawCase("a JSON number", "42", 400),
            RawCase("a JSON string", "\"hello\"", 400),
            RawCase("JSON null", "null", 400),
            RawCase("NaN literal", ChatBody("\"temperature\": NaN"), 400),
            RawCase("Infinity literal", ChatBody("\"top_p\": -Infinity"), 400),
            RawCase("trailing garbage", ChatBody("") + " {\"more\": 1}", 400),
            RawCase("trailing comma", ChatBody("\"max_tokens\": 2,"), 400),
            RawCase("comment", ChatBody("/* sneaky */ \"max_tokens\": 2"), 400),
            RawCase("single quotes", "{'model': 'tiny-test'}", 400),
            RawCase("control character in a string", ChatBody("", "[{\"role\":\"user\",\"content\":\"a\u0001b\"}]"), 400),
            new("over the limit with Content-Length", HttpMethod.Post, ChatPath, Encoding.UTF8.GetBytes(tooLarge), HostileCase.Json, 413, Code: "request_too_large"),
            new("over the limit, chunked", HttpMethod.Post, ChatPath, Encoding.UTF8.GetBytes(tooLarge), HostileCase.Json, 413, Code: "request_too_large", Chunked: true),
            new("64 times the limit, announced", HttpMethod.Post, ChatPath, Encoding.UTF8.GetBytes(farTooLarge), HostileCase.Json, 413, Code: "request_too_large", ExpectContinue: true),
            new("text/plain", HttpMethod.Post, ChatPath, Encoding.UTF8.GetBytes(ChatBody("")), "text/plain", 415, Code: "unsupported_media_type"),
            new("form-urlencoded", HttpMethod.Post, ChatPath, Encoding.UTF8.GetBytes(ChatBody("")), "application/x-www-form-urlencoded", 415, Code: "unsupported_media_type"),
            new("JSON in UTF-16", HttpMethod.Post, ChatPath, Encoding.Unicode.GetBytes(ChatBody("")), "application/json; charset=utf-16", 415, Code: "unsupported_media_type"),
        ];
    }

    /// <summary>Unknown URLs and wrong methods, under /v1 and outside it.</summary>
    public static IEnumerable<HostileCase> Routes() =>
    [
        new("GET chat/completions", HttpMethod.Get, ChatPath, null, null, 405, Code: "method_not_allowed"),
        new("PUT chat/completions", HttpMethod.Put, ChatPath, Encoding.UTF8.GetBytes(ChatBody("")), HostileCase.Json, 405, Code: "method_not_allowed"),
        new("POST models", HttpMethod.Post, "/v1/models", Encoding.UTF8.GetBytes("{}"), HostileCase.Json, 405, Code: "method_not_allowed"),
        new("DELETE models/id", HttpMethod.Delete, "/v1/models/tiny-test", null, null, 405, Code: "method_not_allowed"),
        new("POST /v1/foo", HttpMethod.Post, "/v1/foo", Encoding.UTF8.GetBytes("{}"), HostileCase.Json, 404),
        new("GET /v1", HttpMethod.Get, "/v1", null, null, 404),
        new("POST chat/completions/extra", HttpMethod.Post, ChatPath + "/extra", Encoding.UTF8.GetBytes(ChatBody("")), HostileCase.Json, 404),
        new("GET unknown model", HttpMethod.Get, "/v1/models/no-such-model", null, null, 404, "model", "model_not_found"),
        new("model not served", HttpMethod.Post, ChatPath, Encoding.UTF8.GetBytes("""{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}"""), HostileCase.Json, 404, "model", "model_not_found"),
        new("GET outside the API", HttpMethod.Get, "/wp-admin/setup.php", null, null, 404),
    ];

    private const string CompletionsPath = "/v1/completions";
    private const string EmbeddingsPath = "/v1/embeddings";

    private static HostileCase Post(string path, string name, string body, int status, string? param) =>
        new(name, HttpMethod.Post, path, Encoding.UTF8.GetBytes(body), HostileCase.Json, status, param);

    private static HostileCase Body(string name, byte[] body, int status, string? code = null) =>
        new(name, HttpMethod.Post, ChatPath, body, HostileCase.Json, status, Code: code);
}
