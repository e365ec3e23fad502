namespace LocalLlm.Templates;

/// <summary>Variables and limits for one rendering.</summary>
/// <remarks>
/// Variables are plain .NET values: <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>/<see cref="int"/>,
/// <see cref="double"/>, <see cref="IReadOnlyList{T}"/> of object, <see cref="IReadOnlyDictionary{TKey,TValue}"/>
/// with string keys, or null. <see cref="JsonValues"/> converts JSON into that shape.
/// </remarks>
public sealed class TemplateContext
{
    public TemplateContext(IReadOnlyDictionary<string, object?> variables)
    {
        Variables = variables;
    }

    public IReadOnlyDictionary<string, object?> Variables { get; }

    /// <summary>The clock behind <c>strftime_now</c>; fix it for reproducible output.</summary>
    public Func<DateTime> Now { get; init; } = () => DateTime.Now;

    /// <summary>Rendering stops with a <see cref="TemplateException"/> past this many characters.</summary>
    public int MaxOutputLength { get; init; } = 4 * 1024 * 1024;

    /// <summary>Deepest allowed nesting of macro calls.</summary>
    public int MaxCallDepth { get; init; } = 200;

    /// <summary>Total loop iterations allowed in one rendering, a guard against runaway templates.</summary>
    public long MaxLoopIterations { get; init; } = 10_000_000;
}
