namespace LocalLlm.Templates;

/// <summary>Jinja's tests (<c>x is defined</c>, ...), with Python's type rules: bool is a number, dicts and strings are sequences.</summary>
internal static class Tests
{
    public static readonly Dictionary<string, TestFunction> Table = new(StringComparer.Ordinal)
    {
        ["defined"] = (_, v, _) => v is not Undefined,
        ["undefined"] = (_, v, _) => v is Undefined,
        ["none"] = (_, v, _) => v is null,
        ["string"] = (_, v, _) => v is string,
        ["number"] = (_, v, _) => v is long or int or double or bool,
        ["integer"] = (_, v, _) => v is long or int,
        ["float"] = (_, v, _) => v is double,
        ["boolean"] = (_, v, _) => v is bool,
        ["true"] = (_, v, _) => v is true,
        ["false"] = (_, v, _) => v is false,
        ["mapping"] = (_, v, _) => v is IReadOnlyDictionary<string, object?>,
        ["iterable"] = (_, v, _) => v is string or IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Undefined,
        ["sequence"] = (_, v, _) => v is string or IReadOnlyList<object?> or IReadOnlyDictionary<string, object?> or Undefined,
        ["callable"] = (_, v, _) => v is PyCallable,
        ["equalto"] = (_, v, a) => Py.Equals(v, a.Get(0, "other")),
        ["eq"] = (_, v, a) => Py.Equals(v, a.Get(0, "other")),
        ["=="] = (_, v, a) => Py.Equals(v, a.Get(0, "other")),
        ["ne"] = (_, v, a) => !Py.Equals(v, a.Get(0, "other")),
        ["!="] = (_, v, a) => !Py.Equals(v, a.Get(0, "other")),
        ["lt"] = (_, v, a) => Py.Compare(v, a.Get(0, "other"), "<") < 0,
        ["<"] = (_, v, a) => Py.Compare(v, a.Get(0, "other"), "<") < 0,
        ["le"] = (_, v, a) => Py.Compare(v, a.Get(0, "other"), "<=") <= 0,
        ["<="] = (_, v, a) => Py.Compare(v, a.Get(0, "other"), "<=") <= 0,
        ["gt"] = (_, v, a) => Py.Compare(v, a.Get(0, "other"), ">") > 0,
        [">"] = (_, v, a) => Py.Compare(v, a.Get(0, "other"), ">") > 0,
        ["ge"] = (_, v, a) => Py.Compare(v, a.Get(0, "other"), ">=") >= 0,
        [">="] = (_, v, a) => Py.Compare(v, a.Get(0, "other"), ">=") >= 0,
        ["greaterthan"] = (_, v, a) => Py.Compare(v, a.Get(0, "other"), ">") > 0,
        ["lessthan"] = (_, v, a) => Py.Compare(v, a.Get(0, "other"), "<") < 0,
        ["odd"] = (_, v, _) => Py.AsLong(v) % 2 != 0,
        ["even"] = (_, v, _) => Py.AsLong(v) % 2 == 0,
        ["divisibleby"] = (_, v, a) => DivisibleBy(v, a.Get(0, "num")),
        ["in"] = (_, v, a) => Py.Contains(a.Get(0, "seq"), v),
        ["lower"] = (_, v, _) => (bool)StringMethods.Call(Py.Str(v), "islower", Args.None)!,
        ["upper"] = (_, v, _) => (bool)StringMethods.Call(Py.Str(v), "isupper", Args.None)!,
        ["sameas"] = (_, v, a) => SameAs(v, a.Get(0, "other")),
        ["escaped"] = (_, _, _) => false,
        ["filter"] = (_, v, _) => v is string name && Filters.Table.ContainsKey(name),
        ["test"] = (_, v, _) => v is string name && Table!.ContainsKey(name),
    };

    private static bool DivisibleBy(object? value, object? divisor)
    {
        long d = Py.AsLong(divisor);
        return d == 0 ? throw new TemplateRuntimeException("integer division or modulo by zero") : Py.AsLong(value) % d == 0;
    }

    private static bool SameAs(object? a, object? b) => a switch
    {
        null => b is null,
        bool x => b is bool y && x == y,
        Undefined => b is Undefined,
        string or long or double => Py.Equals(a, b) && a.GetType() == b?.GetType(),
        _ => ReferenceEquals(a, b),
    };

    public static TestFunction Resolve(string name) => Table.TryGetValue(name, out TestFunction? test) ? test
        : throw new TemplateRuntimeException($"No test named '{name}'.");
}
