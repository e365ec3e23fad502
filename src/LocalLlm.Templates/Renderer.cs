using System.Text;

namespace LocalLlm.Templates;

/// <summary>Variables of one block level; lookups fall through to the parent, then the render variables and globals.</summary>
internal sealed class Scope(Scope? parent)
{
    private Dictionary<string, object?>? _vars;

    public Scope? Parent { get; } = parent;

    public void Set(string name, object? value) => (_vars ??= new(StringComparer.Ordinal))[name] = value;

    public bool TryGet(string name, out object? value)
    {
        for (Scope? s = this; s is not null; s = s.Parent)
        {
            if (s._vars is not null && s._vars.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }
}

/// <summary>State of one rendering: output budget, call depth, iteration budget and the statement being run.</summary>
internal sealed class Renderer
{
    private long _written;
    private long _iterations;
    private int _depth;

    public Renderer(TemplateContext context)
    {
        Context = context;
    }

    public TemplateContext Context { get; }

    public object? Lookup(Scope s, string name)
    {
        if (s.TryGet(name, out object? value))
        {
            return value;
        }

        if (Context.Variables.TryGetValue(name, out value))
        {
            return value;
        }

        return Globals.Table.TryGetValue(name, out PyCallable? global) ? global : Undefined.Named(name);
    }

    public void Write(StringBuilder o, string text)
    {
        _written += text.Length;
        if (_written > Context.MaxOutputLength)
        {
            throw new TemplateRuntimeException($"Output exceeds the limit of {Context.MaxOutputLength} characters");
        }

        o.Append(text);
    }

    public void CountIteration()
    {
        if (++_iterations > Context.MaxLoopIterations)
        {
            throw new TemplateRuntimeException($"Loop iterations exceed the limit of {Context.MaxLoopIterations}");
        }
    }

    /// <summary>
    /// Runs statements, turning position-less runtime failures into <see cref="TemplateException"/>s that carry the
    /// innermost failing statement's line; exceptions that already carry a position pass through.
    /// </summary>
    public Flow ExecBody(Stmt[] body, Scope s, StringBuilder o)
    {
        foreach (Stmt stmt in body)
        {
            Flow flow;
            try
            {
                flow = stmt.Exec(this, s, o);
            }
            catch (TemplateRuntimeException e)
            {
                throw new TemplateException(e.Message, stmt.Line, stmt.Column, e) { RaisedByTemplate = e.Raised };
            }
            catch (OverflowException e)
            {
                throw new TemplateException("integer overflow", stmt.Line, stmt.Column, e);
            }
            catch (Exception e) when (e is InvalidCastException or ArgumentException or IndexOutOfRangeException or KeyNotFoundException or FormatException or NullReferenceException or InvalidOperationException or OutOfMemoryException)
            {
                throw new TemplateException($"{e.GetType().Name}: {e.Message}", stmt.Line, stmt.Column, e);
            }

            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    public string RenderCall(Stmt[] body, Scope scope)
    {
        if (++_depth > Context.MaxCallDepth)
        {
            _depth--;
            throw new TemplateRuntimeException($"Macro calls nest deeper than {Context.MaxCallDepth}");
        }

        try
        {
            var o = new StringBuilder();
            ExecBody(body, scope, o);
            return o.ToString();
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>Assigns a loop or set target: one name takes the value, several unpack a sequence of that length.</summary>
    public static void Unpack(Scope scope, string[] targets, object? value)
    {
        if (targets.Length == 1)
        {
            scope.Set(targets[0], value);
            return;
        }

        IReadOnlyList<object?> items = value is string or IReadOnlyDictionary<string, object?> or Undefined ? Py.Iterate(value)
            : value as IReadOnlyList<object?> ?? throw new TemplateRuntimeException($"cannot unpack non-iterable {Py.TypeName(value)} object");
        if (items.Count != targets.Length)
        {
            throw new TemplateRuntimeException(items.Count > targets.Length
                ? $"too many values to unpack (expected {targets.Length})"
                : $"not enough values to unpack (expected {targets.Length}, got {items.Count})");
        }

        for (int i = 0; i < targets.Length; i++)
        {
            scope.Set(targets[i], items[i]);
        }
    }
}

/// <summary>The <c>loop</c> variable of a for loop.</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public int Length => items.Count;

    public object? Get(string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(Length - Index0),
        "revindex0" => (long)(Length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Length - 1,
        "length" => (long)Length,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : new Undefined("there is no previous item"),
        "nextitem" => Index0 < Length - 1 ? items[Index0 + 1] : new Undefined("there is no next item"),
        "depth" => 1L,
        "depth0" => 0L,
        _ => Undefined.MissingAttribute(this, name),
    };

    public object? Cycle(Args args)
    {
        if (args.Count == 0)
        {
            throw new TemplateRuntimeException("no items for cycling given");
        }

        return args.Positional[Index0 % args.Count];
    }
}
