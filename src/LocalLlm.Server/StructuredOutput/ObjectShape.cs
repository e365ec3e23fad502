using System.Text.Json;

namespace LocalLlm.Server.StructuredOutput;

/// <summary>What kind of keys beyond the declared properties an object may carry.</summary>
internal enum ExtraProperties
{
    /// <summary>None: the generated object holds declared properties only.</summary>
    None,

    /// <summary>Any other key, with any value.</summary>
    Any,

    /// <summary>Any other key, with a value valid against <see cref="ObjectShape.ExtraSchema"/>.</summary>
    Schema,
}

/// <summary>One declared property: its name, schema, whether it must appear, and where the schema sits.</summary>
internal sealed record ObjectProperty(string Name, JsonElement Schema, bool Required, string Path);

/// <summary>An object schema reduced to what the grammar needs; <c>allOf</c> branches merge into one shape.</summary>
/// <param name="Unconstrained">No property keyword at all: any object (non-strict) or <c>{}</c> (strict).</param>
internal sealed record ObjectShape(
    IReadOnlyList<ObjectProperty> Properties,
    ExtraProperties Extra,
    JsonElement ExtraSchema,
    string ExtraPath,
    bool Unconstrained);
