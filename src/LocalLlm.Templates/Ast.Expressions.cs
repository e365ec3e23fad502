namespace LocalLlm.Templates;

internal abstract class Expr
{
    protected Expr(int line)
    {
        Line = line;
    }

    public int Line { get; }

    public abstract object? Eval(Renderer r, Scope s);
}

internal sealed class ConstExpr(int line, object? value) : Expr(line)
{
    public object? Value { get; } = value;

    public override object? Eval(Renderer r, Scope s) => Value;
}

internal sealed class NameExpr(int line, string name) : Expr(line)
{
    public string Name { get; } = name;

    public override object? Eval(Renderer r, Scope s) => r.Lookup(s, Name);
}

internal sealed class ListExpr(int line, Expr[] items, bool tuple) : Expr(line)
{
    public Expr[] Items { get; } = items;

    public bool IsTuple { get; } = tuple;

    public override object? Eval(Renderer r, Scope s)
    {
        var values = new object?[Items.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Items[i].Eval(r, s);
        }

        return IsTuple ? values : new List<object?>(values);
    }
}

internal sealed class DictExpr(int line, Expr[] keys, Expr[] values) : Expr(line)
{
    public override object? Eval(Renderer r, Scope s)
    {
        var dict = new OrderedDictionary<string, object?>(keys.Length, StringComparer.Ordinal);
        for (int i = 0; i < keys.Length; i++)
        {
            if (keys[i].Eval(r, s) is not string key)
            {
                throw new TemplateRuntimeException("dict keys must be strings");
            }

            dict[key] = values[i].Eval(r, s);
        }

        return dict;
    }
}

internal sealed class AttrExpr(int line, Expr target, string name) : Expr(line)
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;

    public override object? Eval(Renderer r, Scope s) => Access.GetAttr(Target.Eval(r, s), Name);
}

internal sealed class ItemExpr(int line, Expr target, Expr key) : Expr(line)
{
    public override object? Eval(Renderer r, Scope s) => Access.GetItem(target.Eval(r, s), key.Eval(r, s));
}

internal sealed class SliceExpr(int line, Expr target, Expr? start, Expr? stop, Expr? step) : Expr(line)
{
    public override object? Eval(Renderer r, Scope s) =>
        Access.Slice(target.Eval(r, s), start?.Eval(r, s), stop?.Eval(r, s), step?.Eval(r, s));
}

/// <summary>Call arguments as written; <c>*args</c>/<c>**kwargs</c> spreading is not supported.</summary>
internal sealed class ArgList(Expr[] positional, KeyValuePair<string, Expr>[] named)
{
    public static readonly ArgList Empty = new([], []);

    public Expr[] Positional { get; } = positional;

    public KeyValuePair<string, Expr>[] Named { get; } = named;

    public Args Eval(Renderer r, Scope s, KeyValuePair<string, object?>? extra = null)
    {
        if (Positional.Length == 0 && Named.Length == 0 && extra is null)
        {
            return Args.None;
        }

        var positional = new object?[Positional.Length];
        for (int i = 0; i < positional.Length; i++)
        {
            positional[i] = Positional[i].Eval(r, s);
        }

        var named = new KeyValuePair<string, object?>[Named.Length + (extra is null ? 0 : 1)];
        for (int i = 0; i < Named.Length; i++)
        {
            named[i] = new(Named[i].Key, Named[i].Value.Eval(r, s));
        }

        if (extra is { } pair)
        {
            named[^1] = pair;
        }

        return new Args(positional, named);
    }
}

internal sealed class CallExpr(int line, Expr callee, ArgList args) : Expr(line)
{
    public Expr Callee { get; } = callee;

    public ArgList Arguments { get; } = args;

    public override object? Eval(Renderer r, Scope s) => Invoke(r, s, null);

    public object? Invoke(Renderer r, Scope s, KeyValuePair<string, object?>? extra)
    {
        // Method calls go straight to the method table: no bound-method object per call.
        if (Callee is AttrExpr attr)
        {
            object? target = attr.Target.Eval(r, s);
            return Methods.Call(r, target, attr.Name, Arguments.Eval(r, s, extra));
        }

        object? callee = Callee.Eval(r, s);
        return Methods.Invoke(r, callee, Arguments.Eval(r, s, extra));
    }
}

internal sealed class FilterExpr(int line, Expr? value, string name, FilterFunction function, ArgList args) : Expr(line)
{
    /// <summary>Null for a <c>{% filter %}</c> block, whose input is supplied by the block.</summary>
    public Expr? Value { get; } = value;

    public string Name { get; } = name;

    public override object? Eval(Renderer r, Scope s) => Apply(r, s, Value!.Eval(r, s));

    public object? Apply(Renderer r, Scope s, object? input) => function(r, input, args.Eval(r, s));
}

internal sealed class TestExpr(int line, Expr value, TestFunction function, ArgList args, bool negated) : Expr(line)
{
    public override object? Eval(Renderer r, Scope s)
    {
        bool result = function(r, value.Eval(r, s), args.Eval(r, s));
        return negated ? !result : result;
    }
}

internal sealed class UnaryExpr(int line, string op, Expr operand) : Expr(line)
{
    public override object? Eval(Renderer r, Scope s)
    {
        object? value = operand.Eval(r, s);
        return op switch
        {
            "not" => !Py.Truthy(value),
            "-" => Py.Negate(value),
            _ => value is long or int or double or bool ? value : throw new TemplateRuntimeException($"bad operand type for unary +: '{Py.TypeName(value)}'"),
        };
    }
}

internal sealed class LogicalExpr(int line, bool isAnd, Expr left, Expr right) : Expr(line)
{
    public override object? Eval(Renderer r, Scope s)
    {
        object? first = left.Eval(r, s);
        return Py.Truthy(first) == isAnd ? right.Eval(r, s) : first;
    }
}

internal sealed class BinaryExpr(int line, string op, Expr left, Expr right) : Expr(line)
{
    public override object? Eval(Renderer r, Scope s) => Py.Arithmetic(op, left.Eval(r, s), right.Eval(r, s), r.Context.MaxOutputLength);
}

internal sealed class ConcatExpr(int line, Expr[] parts) : Expr(line)
{
    public override object? Eval(Renderer r, Scope s)
    {
        var values = new string[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            values[i] = Py.Str(parts[i].Eval(r, s));
        }

        return string.Concat(values);
    }
}

internal sealed class CompareExpr(int line, Expr first, string[] ops, Expr[] rest) : Expr(line)
{
    public override object? Eval(Renderer r, Scope s)
    {
        object? left = first.Eval(r, s);
        for (int i = 0; i < ops.Length; i++)
        {
            object? right = rest[i].Eval(r, s);
            bool ok = ops[i] switch
            {
                "==" => Py.Equals(left, right),
                "!=" => !Py.Equals(left, right),
                "in" => Py.Contains(right, left),
                "notin" => !Py.Contains(right, left),
                "<" => Py.Compare(left, right, "<") < 0,
                "<=" => Py.Compare(left, right, "<=") <= 0,
                ">" => Py.Compare(left, right, ">") > 0,
                _ => Py.Compare(left, right, ">=") >= 0,
            };
            if (!ok)
            {
                return false;
            }

            left = right;
        }

        return true;
    }
}

internal sealed class CondExpr(int line, Expr test, Expr then, Expr? otherwise) : Expr(line)
{
    public override object? Eval(Renderer r, Scope s) =>
        Py.Truthy(test.Eval(r, s)) ? then.Eval(r, s) : otherwise is null ? Undefined.Instance : otherwise.Eval(r, s);
}
