namespace LocalLlm.Templates;

/// <summary>Python methods of dicts and lists that templates call; strings are in <see cref="StringMethods"/>.</summary>
internal static class Methods
{
    private static readonly HashSet<string> DictMethods = new(StringComparer.Ordinal) { "items", "keys", "values", "get", "copy" };
    private static readonly HashSet<string> ListMethods = new(StringComparer.Ordinal) { "index", "count", "copy" };

    public static bool IsMethod(object? target, string name) => target switch
    {
        string => StringMethods.Names.Contains(name),
        IReadOnlyDictionary<string, object?> => DictMethods.Contains(name),
        IReadOnlyList<object?> => ListMethods.Contains(name),
        _ => false,
    };

    public static object? Invoke(Renderer r, object? callee, Args args) => callee switch
    {
        PyCallable callable => callable.Call(r, args),
        Undefined u => throw new TemplateRuntimeException(u.Hint),
        _ => throw new TemplateRuntimeException($"'{Py.TypeName(callee)}' object is not callable"),
    };

    public static object? Call(Renderer r, object? target, string name, Args args)
    {
        switch (target)
        {
            case Undefined u:
                throw new TemplateRuntimeException(u.Hint);
            case string s when StringMethods.Names.Contains(name):
                return StringMethods.Call(s, name, args);
            case IReadOnlyDictionary<string, object?> dict when DictMethods.Contains(name):
                return CallDict(dict, name, args);
            case IReadOnlyList<object?> list when ListMethods.Contains(name):
                return CallList(list, name, args);
            case LoopContext loop when name == "cycle":
                return loop.Cycle(args);
            default:
                object? member = Access.GetAttr(target, name);
                if (member is Undefined)
                {
                    throw new TemplateRuntimeException($"'{Py.TypeName(target)} object' has no attribute '{name}'");
                }

                return Invoke(r, member, args);
        }
    }

    private static object? CallDict(IReadOnlyDictionary<string, object?> dict, string name, Args args)
    {
        switch (name)
        {
            case "items":
                var items = new List<object?>(dict.Count);
                foreach (var pair in dict)
                {
                    items.Add(new object?[] { pair.Key, pair.Value });
                }

                return items;
            case "keys":
                return dict.Keys.Cast<object?>().ToList();
            case "values":
                return dict.Values.ToList();
            case "get":
                return args.Get(0, "key") is string key && dict.TryGetValue(key, out object? value) ? value : args.Get(1, "default");
            default:
                return new OrderedDictionary<string, object?>(dict, StringComparer.Ordinal);
        }
    }

    private static object? CallList(IReadOnlyList<object?> list, string name, Args args)
    {
        object? needle = args.Get(0, "value");
        switch (name)
        {
            case "count":
                return (long)list.Count(item => Py.Equals(item, needle));
            case "index":
                for (int i = 0; i < list.Count; i++)
                {
                    if (Py.Equals(list[i], needle))
                    {
                        return (long)i;
                    }
                }

                throw new TemplateRuntimeException($"{Py.Repr(needle)} is not in list");
            default:
                return list.ToList();
        }
    }
}
