using System.Text.Json;
using CsCheck;
using Json.Schema;
using LocalLlm.Server.StructuredOutput;

namespace LocalLlm.Server.Tests.StructuredOutput;

/// <summary>
/// For random schemas in the supported subset, the tiny model sampling at a temperature under the converted grammar
/// always writes a document that parses and that JsonSchema.Net (an independent validator) finds valid.
/// </summary>
public sealed class GeneratedOutputPropertyTests(GrammarModel model) : IClassFixture<GrammarModel>
{
    private static readonly EvaluationOptions s_evaluation = new() { RequireFormatValidation = true };

    [Fact]
    public void Generate_RandomSchemas_OutputValidatesAgainstSchema()
    {
        Gen.Select(SchemaGen.Schema(depth: 2), Gen.UInt, Gen.Bool).Sample((schema, seed, strict) =>
        {
            string schemaText = schema.ToJsonString();
            using JsonDocument parsedSchema = JsonDocument.Parse(schemaText);
            string grammar = JsonSchemaConverter.Grammar(parsedSchema.RootElement, strict);

            string output = model.Generate(grammar, temperature: 1.2f, seed: seed % 1_000_000, maxTokens: 400);

            using JsonDocument document = JsonDocument.Parse(output);
            EvaluationResults results = JsonSchema.FromText(schemaText).Evaluate(document.RootElement, s_evaluation);
            Assert.True(results.IsValid, $"Schema {schemaText}\nOutput {output}");
        }, iter: 40, threads: 1, seed: null);
    }

    [Fact]
    public void Evaluate_InvalidDocument_IsReportedInvalid()
    {
        // The validator the property relies on does reject: wrong type, too long, a bad date, an undeclared property.
        JsonSchema schema = JsonSchema.FromText("""
            {"type":"object","properties":{"n":{"type":"integer","maximum":3},"s":{"type":"string","maxLength":2},"d":{"type":"string","format":"date"}},
             "required":["n"],"additionalProperties":false}
            """);

        foreach (string invalid in (string[])["""{"n":4}""", """{"n":1,"s":"abc"}""", """{"n":1,"d":"2024-02-30"}""", """{"n":1,"x":0}""", """{"s":"a"}"""])
        {
            using JsonDocument document = JsonDocument.Parse(invalid);
            Assert.False(schema.Evaluate(document.RootElement, s_evaluation).IsValid, invalid);
        }

        using JsonDocument valid = JsonDocument.Parse("""{"n":3,"s":"ab","d":"2024-02-29"}""");
        Assert.True(schema.Evaluate(valid.RootElement, s_evaluation).IsValid);
    }
}
