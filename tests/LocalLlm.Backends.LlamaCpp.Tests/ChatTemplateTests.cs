namespace LocalLlm.Backends.LlamaCpp.Tests;

public sealed class ChatTemplateTests : IDisposable
{
    private readonly LlamaCppBackend _backend = TestModel.Load();

    public void Dispose() => _backend.Dispose();

    [Fact]
    public void ApplyChatTemplate_ChatMlModel_FormatsTurnsAndOpensAssistant()
    {
        var prompt = _backend.ApplyChatTemplate([("system", "Be brief."), ("user", "héllo")], addAssistant: true);

        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhéllo<|im_end|>\n<|im_start|>assistant\n",
            prompt);
    }

    [Fact]
    public void ApplyChatTemplate_WithoutAssistant_EndsAfterLastTurn()
    {
        var prompt = _backend.ApplyChatTemplate([("user", "hi")], addAssistant: false);

        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n", prompt);
    }

    [Fact]
    public void ApplyChatTemplate_LongContent_GrowsBuffer()
    {
        var content = new string('x', 10_000);

        var prompt = _backend.ApplyChatTemplate([("user", content)], addAssistant: true);

        Assert.Equal($"<|im_start|>user\n{content}<|im_end|>\n<|im_start|>assistant\n", prompt);
    }
}
