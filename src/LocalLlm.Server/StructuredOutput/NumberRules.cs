using System.Text.Json;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>
/// Integer and number schemas with optional bounds. Integers take any bounds (rounded inwards). Bounded numbers need
/// integral bounds; they are written as integers in range, or as <c>I.F</c> / <c>-I.F</c> with a fraction that ends in
/// a non-zero digit, so the value lies strictly between two integers and the integral part alone decides the range.
/// </summary>
internal static class NumberRules
{
    public static string Build(GbnfRuleSet rules, JsonElement schema, string path, bool integer, string nameHint)
    {
        decimal? minimum = SchemaNumbers.Number(schema, "minimum", path);
        decimal? maximum = SchemaNumbers.Number(schema, "maximum", path);
        decimal? exclusiveMinimum = SchemaNumbers.Number(schema, "exclusiveMinimum", path);
        decimal? exclusiveMaximum = SchemaNumbers.Number(schema, "exclusiveMaximum", path);
        if (minimum is null && maximum is null && exclusiveMinimum is null && exclusiveMaximum is null)
        {
            return rules.Primitive(integer ? "integer" : "number");
        }

        if (!integer)
        {
            foreach ((string keyword, decimal? bound) in new[] { ("minimum", minimum), ("maximum", maximum), ("exclusiveMinimum", exclusiveMinimum), ("exclusiveMaximum", exclusiveMaximum) })
            {
                if (bound is decimal b && decimal.Truncate(b) != b)
                {
                    throw new UnsupportedSchemaException(SchemaPath.Child(path, keyword), $"A number bound must be a whole number to be enforced, got {b}");
                }
            }
        }

        // The tightest integer bounds every admitted integer meets (both kinds of bound may be given).
        long? low = Tightest(Ceiling(minimum), Floor(exclusiveMinimum) + 1, Math.Max);
        long? high = Tightest(Floor(maximum), Ceiling(exclusiveMaximum) - 1, Math.Min);
        var alternatives = new List<string>();
        if ((low ?? 0) <= IntegerRange.Largest && (high ?? 0) >= -IntegerRange.Largest && (low is null || high is null || low <= high))
        {
            alternatives.Add(IntegerRange.Signed(low, high));
        }

        if (!integer)
        {
            // I.F lies in (I, I+1): it needs I >= the lower bound and I+1 <= the upper one; -I.F lies in (-I-1, -I).
            long? lowBound = Tightest(Floor(minimum), Floor(exclusiveMinimum), Math.Max);
            long? highBound = Tightest(Floor(maximum), Floor(exclusiveMaximum), Math.Min);
            string fraction = $"\".\" [0-9]{{0,15}} [1-9]";
            long positiveFrom = Math.Max(lowBound ?? 0, 0);
            long? positiveTo = highBound - 1;
            if (positiveFrom <= IntegerRange.Largest && (positiveTo is null || positiveFrom <= positiveTo))
            {
                alternatives.Add($"{IntegerRange.NonNegative(positiveFrom, Math.Min(positiveTo ?? IntegerRange.Largest, IntegerRange.Largest))} {fraction}");
            }

            long negativeFrom = Math.Max(-(highBound ?? 0), 0);
            long? negativeTo = -lowBound - 1;
            if (negativeFrom <= IntegerRange.Largest && (negativeTo is null || negativeFrom <= negativeTo))
            {
                alternatives.Add($"\"-\" {IntegerRange.NonNegative(negativeFrom, Math.Min(negativeTo ?? IntegerRange.Largest, IntegerRange.Largest))} {fraction}");
            }
        }

        if (alternatives.Count == 0)
        {
            throw new UnsupportedSchemaException(path, "The bounds admit no value");
        }

        string body = alternatives.Count == 1 ? alternatives[0] : $"( {string.Join(" | ", alternatives)} )";
        return rules.Add(nameHint + (integer ? "-integer" : "-number"), $"{body} {rules.Primitive("space")}");
    }

    private static long? Tightest(long? a, long? b, Func<long, long, long> pick) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        (long x, long y) => pick(x, y),
    };

    private static long? Ceiling(decimal? bound) => Whole(bound is decimal b ? decimal.Ceiling(b) : null);

    private static long? Floor(decimal? bound) => Whole(bound is decimal b ? decimal.Floor(b) : null);

    /// <summary>Bounds beyond 16 digits are clamped: no admitted text reaches them anyway.</summary>
    private static long? Whole(decimal? value) => value switch
    {
        null => null,
        > IntegerRange.Largest + 1 => IntegerRange.Largest + 1,
        < -IntegerRange.Largest - 1 => -IntegerRange.Largest - 1,
        decimal v => (long)v,
    };
}
