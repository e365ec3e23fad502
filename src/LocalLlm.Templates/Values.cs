namespace LocalLlm.Templates;

/// <summary>Jinja's default <c>Undefined</c>: prints as "", iterates as empty, is falsy; most other uses fail.</summary>
internal sealed class Undefined
{
    public static readonly Undefined Instance = new("value is undefined");

    public Undefined(string hint)
    {
        Hint = hint;
    }

    /// <summary>The message Jinja would raise when this value is used in a way that requires a value.</summary>
    public string Hint { get; }

    public static Undefined Named(string name) => new($"'{name}' is undefined");

    public static Undefined MissingAttribute(object? owner, string name) => new($"'{Py.TypeName(owner)} object' has no attribute '{name}'");
}

/// <summary>The object created by <c>namespace()</c>: the one value templates may mutate, by attribute assignment.</summary>
internal sealed class Namespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}

/// <summary>Positional and keyword arguments of a call, filter or test.</summary>
internal readonly struct Args
{
    public static readonly Args None = new([], []);

    public Args(object?[] positional, KeyValuePair<string, object?>[] named)
    {
        Positional = positional;
        Named = named;
    }

    public object?[] Positional { get; }

    public KeyValuePair<string, object?>[] Named { get; }

    public int Count => Positional.Length;

    /// <summary>The argument at <paramref name="position"/> or named <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int position, string name, object? fallback = null)
    {
        if (position >= 0 && position < Positional.Length)
        {
            return Positional[position];
        }

        foreach (var pair in Named)
        {
            if (pair.Key == name)
            {
                return pair.Value;
            }
        }

        return fallback;
    }

    public bool Has(int position, string name)
    {
        if (position >= 0 && position < Positional.Length)
        {
            return true;
        }

        foreach (var pair in Named)
        {
            if (pair.Key == name)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Something a template can call: globals, macros, bound methods, <c>caller</c>.</summary>
internal abstract class PyCallable
{
    public abstract string Name { get; }

    public abstract object? Call(Renderer renderer, Args args);
}

/// <summary>A runtime failure without a position; the renderer attaches the line of the statement it was running.</summary>
internal sealed class TemplateRuntimeException : Exception
{
    public TemplateRuntimeException(string message)
        : base(message)
    {
    }

    public TemplateRuntimeException()
    {
    }

    public TemplateRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Raised by the template's own <c>raise_exception</c> call.</summary>
    public bool Raised { get; init; }
}
