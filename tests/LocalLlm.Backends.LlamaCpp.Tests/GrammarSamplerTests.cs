using System.Text;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.LlamaCpp.Tests;

public sealed class GrammarSamplerTests : IDisposable
{
    private readonly LlamaCppBackend _backend = TestModel.Load();

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData(0f)]
    [InlineData(1.5f)]
    public void Generate_WithGrammar_OutputMatchesGrammar(float temperature)
    {
        var sampling = new SamplingParams { Temperature = temperature, Seed = 3, Grammar = "root ::= \"yes\" | \"no\" | \"[\" [0-9]{2} \"]\"" };

        var text = Generate(sampling, steps: 8);

        Assert.Matches(@"^(yes|no|\[[0-9]{2}\])$", text);
    }

    [Fact]
    public void CreateSampler_GrammarAddsOneStage_BeforeChoosing()
    {
        using var plain = (LlamaTokenSampler)_backend.CreateSampler(SamplingParams.Greedy);
        using var constrained = (LlamaTokenSampler)_backend.CreateSampler(SamplingParams.Greedy with { Grammar = "root ::= \"a\"" });

        Assert.Equal(plain.StageCount + 1, constrained.StageCount);
    }

    [Fact]
    public void CreateSampler_InvalidGrammar_ThrowsLlamaExceptionWithReason()
    {
        var error = Assert.Throws<LlamaException>(() => _backend.CreateSampler(SamplingParams.Greedy with { Grammar = "root ::= (\"a\"" }));
        Assert.Contains("grammar", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<LlamaException>(() => LlamaTokenSampler.ValidateGrammar(_backend, "root ::= undefined-rule"));
        LlamaTokenSampler.ValidateGrammar(_backend, "root ::= \"ok\"");
    }

    /// <summary>Generates until end of generation (the grammar's end) or <paramref name="steps"/> tokens.</summary>
    private string Generate(SamplingParams sampling, int steps)
    {
        var tokens = _backend.Tokenizer.Tokenize("hello world the", addSpecial: true, parseSpecial: false).ToList();
        using var sampler = _backend.CreateSampler(sampling);
        Assert.Equal(DecodeStatus.Ok, _backend.Decode(DecodeTests.Prompt(tokens.ToArray(), 0)));
        var index = tokens.Count - 1;
        var text = new StringBuilder();
        for (var i = 0; i < steps; i++)
        {
            var token = sampler.Sample(index);
            if (_backend.Tokenizer.IsEndOfGeneration(token))
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(_backend.Tokenizer.TokenBytes(token, renderSpecial: true)));
            Assert.Equal(DecodeStatus.Ok, _backend.Decode([new BatchToken(token, tokens.Count, 0, true)]));
            tokens.Add(token);
            index = 0;
        }

        return text.ToString();
    }
}
