using System.Text.Json.Nodes;
using CsCheck;

namespace LocalLlm.Server.Tests.StructuredOutput;

/// <summary>
/// Random JSON Schemas inside the supported subset, bounded so documents stay short on a random-weight model: strings
/// of at most 8 characters, arrays of at most 3 elements, depth at most 2. <c>anyOf</c> branches have distinct types,
/// so they never overlap.
/// </summary>
internal static class SchemaGen
{
    private static readonly string[] s_patterns = ["^[a-z]{1,4}$", "^\\d{3}-[A-Z]{2}$", "^(yes|no)!?$", "^x[0-9a-f]{2,3}$", "^\\w\\.\\s?\\w$"];
    private static readonly string[] s_formats = ["date", "time", "date-time", "uuid"];
    private static readonly string[] s_names = ["id", "name", "tags", "when", "score", "ok", "a b"];

    public static Gen<JsonObject> Schema(int depth) => depth == 0
        ? Leaf
        : Gen.Frequency((3, Leaf), (2, Array(depth - 1)), (3, Object(depth - 1)), (1, AnyOf), (1, Nullable));

    private static Gen<JsonObject> Leaf => Gen.OneOf(
        Gen.Int[0, 8].SelectMany(max => Gen.Int[0, max].Select(min => new JsonObject { ["type"] = "string", ["minLength"] = min, ["maxLength"] = max })),
        Gen.OneOf(s_formats).Select(f => new JsonObject { ["type"] = "string", ["format"] = f }),
        Gen.OneOf(s_patterns).Select(p => new JsonObject { ["type"] = "string", ["pattern"] = p }),
        Integer,
        Number,
        Gen.OneOf("boolean", "null").Select(t => new JsonObject { ["type"] = t }),
        Gen.Int[1, 3].SelectMany(n => Gen.OneOf(new JsonNode?[] { "red", "green", 7, -1.5, true, null }).Array[n])
            .Select(values => new JsonObject { ["enum"] = new JsonArray([.. values.Select(v => v?.DeepClone())]) }),
        Gen.OneOf("fixed", "x").Select(c => new JsonObject { ["const"] = c }));

    private static Gen<JsonObject> Integer =>
        Gen.Select(Gen.Int[-200, 200], Gen.Int[0, 300], Gen.Int[0, 3]).Select((low, width, shape) => shape switch
        {
            0 => new JsonObject { ["type"] = "integer", ["minimum"] = low, ["maximum"] = low + width },
            1 => new JsonObject { ["type"] = "integer", ["exclusiveMinimum"] = low, ["exclusiveMaximum"] = low + width + 2 },
            2 => new JsonObject { ["type"] = "integer", ["minimum"] = low },
            _ => new JsonObject { ["type"] = "integer" },
        });

    private static Gen<JsonObject> Number =>
        Gen.Select(Gen.Int[-20, 20], Gen.Int[0, 30], Gen.Int[0, 2]).Select((low, width, shape) => shape switch
        {
            0 => new JsonObject { ["type"] = "number", ["minimum"] = low, ["maximum"] = low + width },
            1 => new JsonObject { ["type"] = "number", ["exclusiveMaximum"] = low },
            _ => new JsonObject { ["type"] = "number" },
        });

    private static Gen<JsonObject> Array(int depth) =>
        Gen.Select(Schema(depth), Gen.Int[0, 3], Gen.Int[0, 3], Gen.Bool).SelectMany((items, a, b, tuple) => tuple
            ? Schema(depth).Select(first => new JsonObject
            {
                ["type"] = "array",
                ["prefixItems"] = new JsonArray(first),
                ["items"] = items,
                ["maxItems"] = Math.Max(a, b),
            })
            : Gen.Const(new JsonObject { ["type"] = "array", ["items"] = items, ["minItems"] = Math.Min(a, b), ["maxItems"] = Math.Max(a, b) }));

    private static Gen<JsonObject> Object(int depth) =>
        Gen.Int[1, 3].SelectMany(count => Gen.Select(Gen.Shuffle(s_names, count), Schema(depth).Array[count], Gen.Bool.Array[count], Gen.Bool))
            .Select((names, schemas, required, closed) =>
            {
                var properties = new JsonObject();
                for (int i = 0; i < names.Length; i++)
                {
                    properties[names[i]] = schemas[i];
                }

                var schema = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = properties,
                    ["required"] = new JsonArray([.. names.Where((_, i) => required[i]).Select(n => (JsonNode)n)]),
                };
                if (closed)
                {
                    schema["additionalProperties"] = false;
                }

                return schema;
            });

    private static Gen<JsonObject> AnyOf => Gen.Select(Gen.Int[0, 8], Gen.Int[0, 50]).Select((maxLength, maximum) => new JsonObject
    {
        ["anyOf"] = new JsonArray(
            new JsonObject { ["type"] = "string", ["maxLength"] = maxLength },
            new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["maximum"] = maximum },
            new JsonObject { ["type"] = "null" }),
    });

    private static Gen<JsonObject> Nullable => Gen.Int[1, 8].Select(maxLength => new JsonObject
    {
        ["type"] = new JsonArray("string", "null"),
        ["maxLength"] = maxLength,
    });
}
