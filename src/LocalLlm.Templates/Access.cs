namespace LocalLlm.Templates;

/// <summary>
/// Jinja's <c>getattr</c>/<c>getitem</c>: <c>a.b</c> prefers a method or attribute and falls back to the item,
/// <c>a['b']</c> the reverse; a missing member is Undefined, while any use of an Undefined's members fails.
/// </summary>
internal static class Access
{
    public static object? GetAttr(object? target, string name)
    {
        switch (target)
        {
            case Undefined u:
                throw new TemplateRuntimeException(u.Hint);
            case IReadOnlyDictionary<string, object?> dict:
                if (Methods.IsMethod(target, name))
                {
                    return new BoundMethod(target, name);
                }

                return dict.TryGetValue(name, out object? value) ? value : Undefined.MissingAttribute(target, name);
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out object? attr) ? attr : Undefined.MissingAttribute(target, name);
            case LoopContext loop:
                return name == "cycle" ? new BoundMethod(target, name) : loop.Get(name);
            default:
                return Methods.IsMethod(target, name) ? new BoundMethod(target, name) : Undefined.MissingAttribute(target, name);
        }
    }

    public static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case Undefined u:
                throw new TemplateRuntimeException(u.Hint);
            case IReadOnlyDictionary<string, object?> dict:
                if (key is string k && dict.TryGetValue(k, out object? value))
                {
                    return value;
                }

                break;
            case IReadOnlyList<object?> list when key is long or int or bool:
                long index = Py.AsLong(key);
                if (index < 0)
                {
                    index += list.Count;
                }

                return index >= 0 && index < list.Count ? list[(int)index] : new Undefined($"{Py.TypeName(target)} index out of range");
            case string s when key is long or int or bool:
                IReadOnlyList<object?> chars = Py.HasSurrogates(s) ? Py.CodePoints(s) : null!;
                int count = chars?.Count ?? s.Length;
                long i = Py.AsLong(key);
                if (i < 0)
                {
                    i += count;
                }

                if (i < 0 || i >= count)
                {
                    return new Undefined("string index out of range");
                }

                return chars is null ? s[(int)i].ToString() : chars[(int)i];
        }

        return key is string name && target is not IReadOnlyDictionary<string, object?> ? GetAttr(target, name)
            : key is string missing && Methods.IsMethod(target, missing) ? new BoundMethod(target, missing)
            : new Undefined($"'{Py.TypeName(target)} object' has no attribute '{Py.Str(key)}'");
    }

    /// <summary>Python slicing <c>[start:stop:step]</c> on lists, tuples and strings (by code point).</summary>
    public static object? Slice(object? target, object? start, object? stop, object? step)
    {
        if (target is Undefined u)
        {
            throw new TemplateRuntimeException(u.Hint);
        }

        IReadOnlyList<object?> items = target switch
        {
            string s => Py.HasSurrogates(s) ? Py.CodePoints(s) : null!,
            IReadOnlyList<object?> list => list,
            _ => throw new TemplateRuntimeException($"'{Py.TypeName(target)}' object is not subscriptable"),
        };
        int length = items?.Count ?? ((string)target).Length;
        long stepValue = step is null or Undefined ? 1 : Py.AsLong(step);
        if (stepValue == 0)
        {
            throw new TemplateRuntimeException("slice step cannot be zero");
        }

        long lo = Bound(start, length, stepValue, isStart: true);
        long hi = Bound(stop, length, stepValue, isStart: false);
        var picked = new List<int>();
        if (stepValue > 0)
        {
            for (long i = lo; i < hi; i += stepValue)
            {
                picked.Add((int)i);
            }
        }
        else
        {
            for (long i = lo; i > hi; i += stepValue)
            {
                picked.Add((int)i);
            }
        }

        if (target is string str)
        {
            if (items is null && stepValue == 1)
            {
                return picked.Count == 0 ? "" : str.Substring(picked[0], picked.Count);
            }

            var sb = new System.Text.StringBuilder(picked.Count);
            foreach (int i in picked)
            {
                sb.Append(items is null ? str[i].ToString() : (string)items[i]!);
            }

            return sb.ToString();
        }

        var result = new List<object?>(picked.Count);
        foreach (int i in picked)
        {
            result.Add(items![i]);
        }

        return target is object?[] ? result.ToArray() : result;
    }

    private static long Bound(object? value, int length, long step, bool isStart)
    {
        if (value is null or Undefined)
        {
            return step > 0 ? (isStart ? 0 : length) : (isStart ? length - 1 : -1);
        }

        long v = Py.AsLong(value);
        if (v < 0)
        {
            v += length;
            if (v < 0)
            {
                v = step > 0 ? 0 : -1;
            }
        }
        else if (v >= length)
        {
            v = step > 0 ? length : length - 1;
        }

        return v;
    }
}

/// <summary>A method looked up but not called at once, e.g. <c>{% set f = text.upper %}</c>.</summary>
internal sealed class BoundMethod(object? target, string name) : PyCallable
{
    public override string Name => name;

    public override object? Call(Renderer renderer, Args args) => Methods.Call(renderer, target, name, args);
}
