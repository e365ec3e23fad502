using System.Text.Json;
using LocalLlm.Server.StructuredOutput;

namespace LocalLlm.Server.Tests.StructuredOutput;

/// <summary>Schemas the converter cannot enforce are refused with the offending keyword and its JSON Pointer.</summary>
public sealed class JsonSchemaGrammarRejectionTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { """{"type":"array","items":{"type":"string"},"uniqueItems":true}""", "#/uniqueItems", "'uniqueItems'" },
        { """{"type":"object","properties":{"tags":{"type":"object","minProperties":1}}}""", "#/properties/tags/minProperties", "'minProperties'" },
        { """{"type":"object","properties":{"a/b":{"type":"object","patternProperties":{}}}}""", "#/properties/a~1b/patternProperties", "'patternProperties'" },
        { """{"type":"integer","multipleOf":2}""", "#/multipleOf", "'multipleOf'" },
        { """{"type":"string","format":"email"}""", "#/format", "'email'" },
        { """{"type":"string","pattern":"^(?=a)b$"}""", "#/pattern", "Lookarounds" },
        { """{"type":"string","pattern":"^(a)\\1$"}""", "#/pattern", "\\1" },
        { """{"type":"string","pattern":"^a|b$"}""", "#/pattern", "group the alternatives" },
        { """{"type":"string","pattern":"^a{2000}$"}""", "#/pattern", "out of range" },
        { """{"type":"string","pattern":"^[a-z]+$","maxLength":3}""", "#/maxLength", "'maxLength' together with 'pattern'" },
        { """{"type":"number","minimum":0.5}""", "#/minimum", "whole number" },
        { """{"type":"integer","minimum":5,"maximum":4}""", "#", "admit no value" },
        { """{"type":"string","minLength":3,"maxLength":2}""", "#/maxLength", "below 'minLength'" },
        { """{"type":"array","prefixItems":[{"type":"null"}],"items":false,"minItems":2}""", "#/minItems", "exceeds" },
        { """{"$ref":"https://example.com/schema.json"}""", "#/$ref", "local references" },
        { """{"$ref":"#/$defs/missing"}""", "#/$ref", "points at nothing" },
        { """{"$defs":{"a":{"type":"string"}},"$ref":"#/$defs/a","maxLength":3}""", "#/maxLength", "beside '$ref'" },
        { """{"type":"object","properties":{"a":{"type":"string"}},"required":["b"],"additionalProperties":false}""", "#/required", "'b' is required" },
        { """{"allOf":[{"properties":{"a":{"type":"string"}}},{"properties":{"a":{"type":"integer"}}}]}""", "#/allOf/1/properties/a", "different schemas" },
        { """{"allOf":[{"type":"string"},{"maxLength":3}]}""", "#/allOf/0/type", "allOf" },
        { """{"type":"string","enum":["a"],"maxLength":3}""", "#/maxLength", "beside 'enum'" },
        { """{"type":"strin"}""", "#/type", "Unknown type 'strin'" },
        { """{"not":{"type":"string"}}""", "#/not", "'not'" },
        { """{"anyOf":[{"type":"string"},{"type":"integer","if":{}}]}""", "#/anyOf/1/if", "'if'" },
        { "false", "#", "admits no value" },
        { """{"type":"string","minLength":5000}""", "#/minLength", "above 1000" },
        { """{"type":"array","minItems":1001}""", "#/minItems", "above 1000" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Grammar_UnsupportedSchema_ThrowsWithPathAndReason(string schema, string path, string reason)
    {
        using JsonDocument parsed = JsonDocument.Parse(schema);

        var error = Assert.Throws<UnsupportedSchemaException>(() => JsonSchemaConverter.Grammar(parsed.RootElement, strict: true));

        Assert.Equal(path, error.Path);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{path}'", error.Message, StringComparison.Ordinal);
    }
}
