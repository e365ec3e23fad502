using System.Text.Json;
using LocalLlm.Server.StructuredOutput;

namespace LocalLlm.Server.Tests.StructuredOutput;

/// <summary>The GBNF text the converter writes for a few known schemas, rule by rule.</summary>
public sealed class JsonSchemaGrammarShapeTests
{
    [Fact]
    public void Grammar_ObjectWithRequiredAndOptional_WritesKeyValueRulesInOrder()
    {
        string grammar = Convert("""
            {"type":"object","properties":{"name":{"type":"string","maxLength":4},"tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":2}},
             "required":["name"],"additionalProperties":false}
            """);

        Assert.Equal("""
            root ::= schema-object
            space ::= | " " | "\n" [ \t]{0,20}
            char ::= [^"\\\x7F\x00-\x1F\uD800-\uDFFF] | [\\] ( ["\\/bfnrt] | "u" ( [0-9a-cA-C] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2} | [eEfF] [0-9a-fA-F]{3} ) )
            schema-name-string ::= "\"" char{0,4} "\"" space
            schema-name-kv ::= "\"name\"" space ":" space schema-name-string
            schema-tags-array ::= "[" space ( ( "\"a\"" | "\"b\"" ) space ( "," space ( "\"a\"" | "\"b\"" ) space )? )? "]" space
            schema-tags-kv ::= "\"tags\"" space ":" space schema-tags-array
            schema-object ::= "{" space schema-name-kv ( "," space schema-tags-kv )? "}" space
            """ + "\n", grammar);
    }

    [Fact]
    public void Grammar_NoRequiredProperties_FirstPresentOneHasNoComma()
    {
        string grammar = Convert("""{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"null"},"c":{"type":"integer","minimum":0,"maximum":59}}}""");

        Assert.Equal("""
            root ::= schema-object
            space ::= | " " | "\n" [ \t]{0,20}
            boolean ::= ( "true" | "false" ) space
            schema-a-kv ::= "\"a\"" space ":" space boolean
            null ::= "null" space
            schema-b-kv ::= "\"b\"" space ":" space null
            schema-c-integer ::= ( [0-9] | [1-5] [0-9] ) space
            schema-c-kv ::= "\"c\"" space ":" space schema-c-integer
            schema-tail ::= ( "," space schema-c-kv )?
            schema-tail-1 ::= ( "," space schema-b-kv )? schema-tail
            schema-object ::= "{" space ( schema-a-kv schema-tail-1 | schema-b-kv schema-tail | schema-c-kv )? "}" space
            """ + "\n", grammar);
    }

    [Fact]
    public void Grammar_RecursiveRef_RuleRefersToItself()
    {
        string grammar = Convert("""{"$defs":{"list":{"type":["object","null"],"properties":{"next":{"$ref":"#/$defs/list"}},"required":["next"]}},"$ref":"#/$defs/list"}""");

        Assert.Equal("""
            root ::= ref-list
            space ::= | " " | "\n" [ \t]{0,20}
            ref-list-next-kv ::= "\"next\"" space ":" space ref-list
            ref-list-object ::= "{" space ref-list-next-kv "}" space
            null ::= "null" space
            ref-list ::= ( ref-list-object | null )
            """ + "\n", grammar);
    }

    [Fact]
    public void Grammar_StrictObjectWithoutProperties_IsEmptyObject()
    {
        Assert.StartsWith("root ::= empty-object\n", Convert("""{"type":"object"}""", strict: true), StringComparison.Ordinal);
        Assert.StartsWith("root ::= object\n", Convert("""{"type":"object"}""", strict: false), StringComparison.Ordinal);
    }

    [Fact]
    public void Grammar_HugeMaximums_AreLoweredToTheRepetitionLimit()
    {
        string grammar = Convert("""{"type":"array","items":{"type":"string","maxLength":100000},"maxItems":1000000}""");

        Assert.Contains("char{0,1000}", grammar, StringComparison.Ordinal);
        Assert.Contains("{0,999}", grammar, StringComparison.Ordinal);
        Assert.Equal(Gbnf.MaxRepetition, Gbnf.LargestRepetition(grammar));
    }

    [Theory]
    [InlineData("root ::= \"a\"{2,5000}", 5000)]
    [InlineData("root ::= \"{99999}\" [{}] # x{123456}\nb ::= \"b\"{7}", 7)]
    [InlineData("root ::= [a-z]{12,} | \"x\"", 12)]
    [InlineData("root ::= \"a\"{99999999999}", int.MaxValue)]
    public void LargestRepetition_SkipsLiteralsClassesAndComments(string grammar, int largest) =>
        Assert.Equal(largest, Gbnf.LargestRepetition(grammar));

    private static string Convert(string schema, bool strict = false)
    {
        using JsonDocument parsed = JsonDocument.Parse(schema);
        return JsonSchemaConverter.Grammar(parsed.RootElement, strict);
    }
}
