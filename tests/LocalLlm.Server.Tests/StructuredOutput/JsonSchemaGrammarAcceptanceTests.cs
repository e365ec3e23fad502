using System.Text.Json;
using LocalLlm.Server.StructuredOutput;

namespace LocalLlm.Server.Tests.StructuredOutput;

/// <summary>
/// Converted schemas run through llama.cpp's grammar sampler: documents valid against the schema (in the converter's
/// output shape) are admitted, invalid ones are not.
/// </summary>
public sealed class JsonSchemaGrammarAcceptanceTests(GrammarModel model) : IClassFixture<GrammarModel>
{
    public static TheoryData<string, string, bool> Cases => new()
    {
        // Objects: required first in declaration order, optional ones each optional, nothing undeclared.
        { """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["a"]}""", """{"a": 1, "b": "x"}""", true },
        { """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["a"]}""", """{"a":1}""", true },
        { """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["a"]}""", """{"b":"x"}""", false },
        { """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["a"]}""", """{"a":1,"c":2}""", false },
        { """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}}}""", """{}""", true },
        { """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}}}""", """{"b":"only b"}""", true },
        { """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}}}""", """{"a":1,}""", false },
        { """{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"boolean"}}""", """{"a":1,"zz":true,"y":false}""", true },
        { """{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"boolean"}}""", """{"zz":1}""", false },
        { """{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":{"type":"boolean"}}""", """{"a":1,"a":true}""", false },
        { """{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":true}""", """{"ab":[1,{"x":null}]}""", true },
        { """{"type":"object"}""", """{"any": [1, 2]}""", true },
        // Whitespace is bounded: one run per position.
        { """{"type":"object","properties":{"a":{"type":"integer"}}}""", "{\n  \"a\": 1\n}", true },
        { """{"type":"object","properties":{"a":{"type":"integer"}}}""", """{  "a":1}""", false },
        // Arrays.
        { """{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":2}""", "[1, 2]", true },
        { """{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":2}""", "[]", false },
        { """{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":2}""", "[1,2,3]", false },
        { """{"type":"array","prefixItems":[{"type":"string"},{"type":"boolean"}],"items":false}""", """["a",true]""", true },
        { """{"type":"array","prefixItems":[{"type":"string"},{"type":"boolean"}],"items":false}""", """["a"]""", true },
        { """{"type":"array","prefixItems":[{"type":"string"},{"type":"boolean"}],"items":false}""", """["a",true,1]""", false },
        { """{"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"null"},"minItems":2}""", """["a",null,null]""", true },
        { """{"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"null"},"minItems":2}""", """["a"]""", false },
        // Strings.
        { """{"type":"string","minLength":2,"maxLength":3}""", "\"ab\"", true },
        { """{"type":"string","minLength":2,"maxLength":3}""", "\"a\"", false },
        { """{"type":"string","minLength":2,"maxLength":3}""", "\"abcd\"", false },
        { """{"type":"string","maxLength":3}""", "\"\\n\\u00e9x\"", true },
        { """{"type":"string"}""", "\"\\ud800\"", false },
        { """{"type":"string","format":"date"}""", "\"2024-02-28\"", true },
        { """{"type":"string","format":"date"}""", "\"2024-02-30\"", false },
        { """{"type":"string","format":"date"}""", "\"2024-13-01\"", false },
        { """{"type":"string","format":"time"}""", "\"23:59:07.25+05:30\"", true },
        { """{"type":"string","format":"time"}""", "\"24:00:00Z\"", false },
        { """{"type":"string","format":"date-time"}""", "\"2024-06-30T08:00:00Z\"", true },
        { """{"type":"string","format":"uuid"}""", "\"0f8fad5b-d9cb-469f-a165-70867728950e\"", true },
        { """{"type":"string","format":"uuid"}""", "\"0f8fad5b-d9cb-469f-a165\"", false },
        { """{"type":"string","pattern":"^[A-Z]{2}-\\d{3}$"}""", "\"AB-123\"", true },
        { """{"type":"string","pattern":"^[A-Z]{2}-\\d{3}$"}""", "\"AB-12\"", false },
        { """{"type":"string","pattern":"^(cat|dog)s?$"}""", "\"dogs\"", true },
        { """{"type":"string","pattern":"^(cat|dog)s?$"}""", "\"cow\"", false },
        { """{"type":"string","pattern":"x\\.y"}""", "\"ab x.y cd\"", true },
        { """{"type":"string","pattern":"^a\"b\\\\$"}""", "\"a\\\"b\\\\\"", true },
        // Numbers.
        { """{"type":"integer","minimum":-5,"maximum":120}""", "-5", true },
        { """{"type":"integer","minimum":-5,"maximum":120}""", "120", true },
        { """{"type":"integer","minimum":-5,"maximum":120}""", "121", false },
        { """{"type":"integer","minimum":-5,"maximum":120}""", "-6", false },
        { """{"type":"integer","minimum":-5,"maximum":120}""", "007", false },
        { """{"type":"integer","exclusiveMinimum":0}""", "1", true },
        { """{"type":"integer","exclusiveMinimum":0}""", "0", false },
        { """{"type":"number","minimum":-1,"maximum":2}""", "-0.5", true },
        { """{"type":"number","minimum":-1,"maximum":2}""", "1.75", true },
        { """{"type":"number","minimum":-1,"maximum":2}""", "2", true },
        { """{"type":"number","minimum":-1,"maximum":2}""", "2.5", false },
        { """{"type":"number","minimum":-1,"maximum":2}""", "-1.5", false },
        { """{"type":"number","exclusiveMaximum":0}""", "-0.25", true },
        { """{"type":"number","exclusiveMaximum":0}""", "0", false },
        { """{"type":"number"}""", "-12.5e3", true },
        // Literals, alternatives, types.
        { """{"enum":["red","green",3,null]}""", "\"green\"", true },
        { """{"enum":["red","green",3,null]}""", "null", true },
        { """{"enum":["red","green",3,null]}""", "\"blue\"", false },
        { """{"type":"string","enum":["red",3]}""", "3", false },
        { """{"const":{"k":[1,"two"]}}""", """{"k":[1,"two"]}""", true },
        { """{"anyOf":[{"type":"string","maxLength":1},{"type":"integer"}]}""", "42", true },
        { """{"anyOf":[{"type":"string","maxLength":1},{"type":"integer"}]}""", "\"ab\"", false },
        { """{"type":["boolean","null"]}""", "null", true },
        { """{"type":["boolean","null"]}""", "0", false },
        // References, recursion, allOf.
        { """{"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#/$defs/node"}},"required":["v"]}},"$ref":"#/$defs/node"}""", """{"v":1,"next":{"v":2,"next":{"v":3}}}""", true },
        { """{"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#/$defs/node"}},"required":["v"]}},"$ref":"#/$defs/node"}""", """{"v":1,"next":{}}""", false },
        { """{"allOf":[{"properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"b":{"type":"boolean"}},"required":["b"]}]}""", """{"a":1,"b":true}""", true },
        { """{"allOf":[{"properties":{"a":{"type":"integer"}},"required":["a"]},{"properties":{"b":{"type":"boolean"}},"required":["b"]}]}""", """{"a":1}""", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Grammar_Document_AdmittedExactlyWhenValid(string schema, string document, bool admitted)
    {
        using JsonDocument parsed = JsonDocument.Parse(schema);
        string grammar = JsonSchemaConverter.Grammar(parsed.RootElement, strict: false);

        Assert.Equal(admitted, model.Accepts(grammar, document));
    }

    [Fact]
    public void Accepts_GrammarAdmitsOnlyThat_RejectsOthers()
    {
        // The check itself can fail: a literal grammar admits its text and nothing longer, shorter or different.
        const string grammar = "root ::= \"{\\\"ok\\\": true}\"";

        Assert.True(model.Accepts(grammar, """{"ok": true}"""));
        Assert.False(model.Accepts(grammar, """{"ok": true} """));
        Assert.False(model.Accepts(grammar, """{"ok": tru"""));
        Assert.False(model.Accepts(grammar, """{"ok":true}"""));
    }
}
