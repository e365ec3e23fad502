using System.Text;

namespace LocalLlm.Templates;

internal delegate object? FilterFunction(Renderer r, object? value, Args args);

internal delegate bool TestFunction(Renderer r, object? value, Args args);

internal enum Flow
{
    Normal,
    Break,
    Continue,
}

internal abstract class Stmt(int line, int column)
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    public abstract Flow Exec(Renderer r, Scope s, StringBuilder o);
}

internal sealed class TextStmt(int line, int column, string text) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o)
    {
        r.Write(o, text);
        return Flow.Normal;
    }
}

internal sealed class OutputStmt(int line, int column, Expr value) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o)
    {
        r.Write(o, Py.Str(value.Eval(r, s)));
        return Flow.Normal;
    }
}

internal sealed class IfStmt(int line, int column, Expr[] tests, Stmt[][] bodies, Stmt[]? otherwise) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o)
    {
        for (int i = 0; i < tests.Length; i++)
        {
            if (Py.Truthy(tests[i].Eval(r, s)))
            {
                return r.ExecBody(bodies[i], s, o);
            }
        }

        return otherwise is null ? Flow.Normal : r.ExecBody(otherwise, s, o);
    }
}

internal sealed class ForStmt(int line, int column, string[] targets, Expr iterable, Expr? filter, Stmt[] body, Stmt[]? otherwise) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o)
    {
        IReadOnlyList<object?> items = Py.Iterate(iterable.Eval(r, s));
        if (filter is not null)
        {
            // The inline condition filters before iterating, so loop.length and loop.index count kept items only.
            var kept = new List<object?>();
            foreach (object? item in items)
            {
                r.CountIteration();
                var probe = new Scope(s);
                Bind(probe, item);
                if (Py.Truthy(filter.Eval(r, probe)))
                {
                    kept.Add(item);
                }
            }

            items = kept;
        }

        if (items.Count == 0)
        {
            return otherwise is null ? Flow.Normal : r.ExecBody(otherwise, s, o);
        }

        var loop = new LoopContext(items);
        for (int i = 0; i < items.Count; i++)
        {
            r.CountIteration();
            loop.Index0 = i;

            // A fresh scope per iteration, as Jinja's compiled loop body re-initializes its locals each time.
            var scope = new Scope(s);
            scope.Set("loop", loop);
            Bind(scope, items[i]);
            if (r.ExecBody(body, scope, o) == Flow.Break)
            {
                break;
            }
        }

        return Flow.Normal;
    }

    private void Bind(Scope scope, object? item) => Renderer.Unpack(scope, targets, item);
}

internal sealed class SetStmt(int line, int column, string[] targets, string? attribute, Expr value) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o)
    {
        object? v = value.Eval(r, s);
        if (attribute is null)
        {
            Renderer.Unpack(s, targets, v);
            return Flow.Normal;
        }

        if (r.Lookup(s, targets[0]) is not Namespace ns)
        {
            throw new TemplateRuntimeException("Cannot assign attribute on non-namespace object");
        }

        ns.Attributes[attribute] = v;
        return Flow.Normal;
    }
}

internal sealed class SetBlockStmt(int line, int column, string target, FilterExpr[] filters, Stmt[] body) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o)
    {
        var captured = new StringBuilder();
        r.ExecBody(body, s, captured);
        object? value = captured.ToString();
        foreach (FilterExpr filter in filters)
        {
            value = filter.Apply(r, s, value);
        }

        s.Set(target, value);
        return Flow.Normal;
    }
}

internal sealed class FilterBlockStmt(int line, int column, FilterExpr[] filters, Stmt[] body) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o)
    {
        var captured = new StringBuilder();
        r.ExecBody(body, new Scope(s), captured);
        object? value = captured.ToString();
        foreach (FilterExpr filter in filters)
        {
            value = filter.Apply(r, s, value);
        }

        r.Write(o, Py.Str(value));
        return Flow.Normal;
    }
}

internal sealed class MacroStmt(int line, int column, string name, string[] parameters, Expr?[] defaults, Stmt[] body) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o)
    {
        s.Set(name, new Macro(name, parameters, defaults, body, s));
        return Flow.Normal;
    }
}

internal sealed class CallBlockStmt(int line, int column, CallExpr call, string[] parameters, Expr?[] defaults, Stmt[] body) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o)
    {
        var caller = new Macro("caller", parameters, defaults, body, s);
        r.Write(o, Py.Str(call.Invoke(r, s, new KeyValuePair<string, object?>("caller", caller))));
        return Flow.Normal;
    }
}

internal sealed class LoopControlStmt(int line, int column, Flow flow) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o) => flow;
}

/// <summary>A macro, or the body of a <c>{% call %}</c> block passed to the macro as <c>caller</c>.</summary>
internal sealed class Macro(string name, string[] parameters, Expr?[] defaults, Stmt[] body, Scope closure) : PyCallable
{
    public override string Name => name;

    public override object? Call(Renderer renderer, Args args)
    {
        var scope = new Scope(closure);
        for (int i = 0; i < parameters.Length; i++)
        {
            object? value = args.Has(i, parameters[i]) ? args.Get(i, parameters[i])
                : defaults[i] is { } fallback ? fallback.Eval(renderer, scope)
                : Undefined.Named(parameters[i]);
            scope.Set(parameters[i], value);
        }

        scope.Set("varargs", args.Positional.Length > parameters.Length ? args.Positional[parameters.Length..] : Array.Empty<object?>());
        var kwargs = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in args.Named)
        {
            if (pair.Key == "caller")
            {
                scope.Set("caller", pair.Value);
            }
            else if (Array.IndexOf(parameters, pair.Key) < 0)
            {
                kwargs[pair.Key] = pair.Value;
            }
        }

        scope.Set("kwargs", kwargs);
        return renderer.RenderCall(body, scope);
    }
}

internal sealed class WithStmt(int line, int column, string[] names, Expr[] values, Stmt[] body) : Stmt(line, column)
{
    public override Flow Exec(Renderer r, Scope s, StringBuilder o)
    {
        var scope = new Scope(s);
        for (int i = 0; i < names.Length; i++)
        {
            scope.Set(names[i], values[i].Eval(r, s));
        }

        return r.ExecBody(body, scope, o);
    }
}
