namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// GBNF rules for JSON's building blocks, shared by every grammar that writes JSON (schemas, tool calls). Each value
/// rule ends in <c>space</c>, which allows one bounded run of whitespace, so formatting can never keep a model from
/// finishing. Numbers have at most 16 integral digits; strings exclude surrogates, raw or escaped (which JSON parsers
/// reject), and DEL. Dates exclude the year 0000, leap days and leap seconds, so every one is a real calendar date.
/// </summary>
internal static class JsonPrimitives
{
    /// <summary>One rule: its body and the primitives the body names.</summary>
    internal sealed record Rule(string Body, params string[] Uses);

    private static readonly Dictionary<string, Rule> s_rules = new(StringComparer.Ordinal)
    {
        ["space"] = new("""| " " | "\n" [ \t]{0,20}"""),
        ["value"] = new("object | array | string | number | boolean | null", "object", "array", "string", "number", "boolean", "null"),
        ["object"] = new("""
            "{" space ( string ":" space value ( "," space string ":" space value )* )? "}" space
            """, "space", "string", "value"),
        ["array"] = new("""
            "[" space ( value ( "," space value )* )? "]" space
            """, "space", "value"),
        ["empty-object"] = new("""
            "{" space "}" space
            """, "space"),
        ["string"] = new("""
            "\"" char* "\"" space
            """, "char", "space"),
        ["char"] = new("""
            [^"\\\x7F\x00-\x1F\uD800-\uDFFF] | [\\] ( ["\\/bfnrt] | "u" ( [0-9a-cA-C] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2} | [eEfF] [0-9a-fA-F]{3} ) )
            """),
        ["plain-char"] = new("""
            [^"\\\x7F\x00-\x1F\uD800-\uDFFF]
            """),
        ["number"] = new("""
            "-"? integral-part ( "." decimal-part )? ( [eE] [-+]? integral-part )? space
            """, "integral-part", "decimal-part", "space"),
        ["integer"] = new("""
            "-"? integral-part space
            """, "integral-part", "space"),
        ["integral-part"] = new("""
            [0] | [1-9] [0-9]{0,15}
            """),
        ["decimal-part"] = new("[0-9]{1,16}"),
        ["boolean"] = new("""
            ( "true" | "false" ) space
            """, "space"),
        ["null"] = new("""
            "null" space
            """, "space"),
        ["date"] = new("""
            ( [0-9]{3} [1-9] | [0-9]{2} [1-9] "0" | [0-9] [1-9] "00" | [1-9] "000" ) "-" ( ( "0" [13578] | "1" [02] ) "-" ( "0" [1-9] | [12] [0-9] | "3" [01] ) | ( "0" [469] | "11" ) "-" ( "0" [1-9] | [12] [0-9] | "30" ) | "02-" ( "0" [1-9] | "1" [0-9] | "2" [0-8] ) )
            """),
        ["time"] = new("""
            ( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] ":" [0-5] [0-9] ( "." [0-9]{1,6} )? ( "Z" | [+-] ( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] )
            """),
        ["date-string"] = new("""
            "\"" date "\"" space
            """, "date", "space"),
        ["time-string"] = new("""
            "\"" time "\"" space
            """, "time", "space"),
        ["date-time-string"] = new("""
            "\"" date "T" time "\"" space
            """, "date", "time", "space"),
        ["uuid"] = new("""
            "\"" [0-9a-fA-F]{8} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{12} "\"" space
            """, "space"),
    };

    public static bool IsName(string name) => s_rules.ContainsKey(name);

    public static Rule Get(string name) =>
        s_rules.TryGetValue(name, out Rule? rule) ? rule : throw new ArgumentException($"No JSON primitive named '{name}'.", nameof(name));
}
