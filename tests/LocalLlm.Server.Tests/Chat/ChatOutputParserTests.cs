using LocalLlm.Server.Chat;

namespace LocalLlm.Server.Tests.Chat;

public sealed class ChatOutputParserTests
{
    private const string DeepSeekV3Call = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Paris\"}<｜tool▁call▁end｜><｜tool▁call▁begin｜>get_time<｜tool▁sep｜>{}<｜tool▁call▁end｜><｜tool▁calls▁end｜>";
    private const string DeepSeekR1Call = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>";

    public static TheoryData<string, string, string?, string?, string> Outputs => new()
    {
        // format, output, expected content, expected reasoning, expected calls as "name(args)" joined by ';'
        { "Hermes", "<think>\nplan it\n</think>\n\nSure.<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>", "Sure.", "plan it\n", "get_weather({\"city\": \"Paris\"})" },
        { "Hermes", "<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>\n<tool_call>\n{\"name\": \"b\", \"arguments\": \"{\\\"x\\\":1}\"}\n</tool_call>", null, null, "a({});b({\"x\":1})" },
        { "Hermes", "plain answer < not a tag", "plain answer < not a tag", null, "" },
        { "Hermes", "<tool_call>{not json}</tool_call>", "<tool_call>{not json}</tool_call>", null, "" },
        { "DeepSeekV3", "Checking." + DeepSeekV3Call, "Checking.", null, "get_weather({\"city\": \"Paris\"});get_time({})" },
        { "DeepSeekR1", "<think>hmm</think>" + DeepSeekR1Call, null, "hmm", "get_weather({\"city\": \"Paris\"})" },
        { "Llama3Json", " {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", null, null, "get_weather({\"city\": \"Paris\"})" },
        { "Llama3Json", "{ not a call", "{ not a call", null, "" },
        { "Llama3Json", "Hello {\"name\": \"x\"}", "Hello {\"name\": \"x\"}", null, "" },
        { "Mistral", "[TOOL_CALLS][{\"name\": \"a\", \"arguments\": {\"k\": [1, 2]}}, {\"name\": \"b\", \"arguments\": {}}]", null, null, "a({\"k\": [1, 2]});b({})" },
    };

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Parse_WholeOutput_SplitsContentReasoningAndCalls(string format, string output, string? content, string? reasoning, string calls)
    {
        ChatResultBuilder result = Parse(Enum.Parse<ToolCallFormat>(format), [output]);

        Assert.Equal(content, result.Content);
        Assert.Equal(reasoning, result.Reasoning);
        Assert.Equal(calls, string.Join(';', result.ToolCalls.Select(c => $"{c.Name}({c.Arguments})")));
    }

    [Theory]
    [MemberData(nameof(Outputs))]
    public void Parse_EverySplitIntoThreeChunks_GivesTheSameResultAndNoMarkersInContent(string format, string output, string? content, string? reasoning, string calls)
    {
        _ = (content, reasoning, calls);
        ToolCallFormat syntax = Enum.Parse<ToolCallFormat>(format);
        string expected = Describe(Parse(syntax, [output]));
        for (int i = 0; i <= output.Length; i++)
        {
            int j = Math.Min(output.Length, i + 3);
            ChatResultBuilder split = Parse(syntax, [output[..i], output[i..j], output[j..]]);
            Assert.Equal(expected, Describe(split));
        }

        // One character at a time: the way a stream of single tokens arrives.
        List<ChatDelta> deltas = Deltas(syntax, output.Select(c => c.ToString()));
        string streamedContent = string.Concat(deltas.Where(d => d.Kind == ChatDeltaKind.Content).Select(d => d.Text));
        Assert.Equal(Parse(syntax, [output]).Content ?? string.Empty, streamedContent);
    }

    [Fact]
    public void Parse_PromptOpenedThink_StartsInReasoning()
    {
        var parser = new ChatOutputParser(ToolCallSyntax.For(ToolCallFormat.DeepSeekR1), reasoning: true, startsInReasoning: true, () => "call_1");
        var result = new ChatResultBuilder();
        result.AddRange(parser.Push("\nI think.\n</thi"));
        result.AddRange(parser.Push("nk>\n\nAnswer."));
        result.AddRange(parser.Finish());

        Assert.Equal("I think.\n", result.Reasoning);
        Assert.Equal("Answer.", result.Content);
    }

    [Fact]
    public void Parse_ReasoningOff_KeepsThinkTagsInContent()
    {
        var parser = new ChatOutputParser(null, reasoning: false, startsInReasoning: false);
        var result = new ChatResultBuilder();
        result.AddRange(parser.Push("<think>x</think>y<tool_call>"));
        result.AddRange(parser.Finish());

        Assert.Equal("<think>x</think>y<tool_call>", result.Content);
        Assert.Null(result.Reasoning);
    }

    [Fact]
    public void Parse_UnterminatedHermesCall_ReturnsTextToContent()
    {
        ChatResultBuilder result = Parse(ToolCallFormat.Hermes, ["Hi <tool_call>{\"name\": \"a\", \"argu"]);

        Assert.Equal("Hi <tool_call>{\"name\": \"a\", \"argu", result.Content);
        Assert.Empty(result.ToolCalls);
    }

    [Fact]
    public void Parse_CallStart_EmitsIdAndNameBeforeArguments()
    {
        List<ChatDelta> deltas = Deltas(ToolCallFormat.Hermes, ["<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": 1}}</tool_call>"]);

        Assert.Collection(
            deltas,
            d => Assert.Equal((ChatDeltaKind.ToolCallStart, "f", 0), (d.Kind, d.Text, d.ToolIndex)),
            d => Assert.Equal((ChatDeltaKind.ToolArguments, "{\"a\": 1}", 0), (d.Kind, d.Text, d.ToolIndex)));
        Assert.StartsWith("call_", deltas[0].ToolCallId, StringComparison.Ordinal);
    }

    private static ChatResultBuilder Parse(ToolCallFormat format, IEnumerable<string> chunks)
    {
        var result = new ChatResultBuilder();
        result.AddRange(Deltas(format, chunks));
        return result;
    }

    private static List<ChatDelta> Deltas(ToolCallFormat format, IEnumerable<string> chunks)
    {
        int id = 0;
        var parser = new ChatOutputParser(ToolCallSyntax.For(format), reasoning: true, startsInReasoning: false, () => $"call_{id++}");
        var deltas = new List<ChatDelta>();
        foreach (string chunk in chunks)
        {
            deltas.AddRange(parser.Push(chunk));
        }

        deltas.AddRange(parser.Finish());
        return deltas;
    }

    private static string Describe(ChatResultBuilder result) =>
        $"{result.Content}|{result.Reasoning}|{string.Join(';', result.ToolCalls.Select(c => $"{c.Id}:{c.Name}({c.Arguments})"))}";
}
