namespace LocalLlm.Templates;

/// <summary>Python operators on template values; bool counts as int, int arithmetic stays integral and checked.</summary>
internal static partial class Py
{
    private static bool IsNumber(object? v) => v is long or int or double or bool;

    private static bool IsInteger(object? v) => v is long or int or bool;

    public static long AsLong(object? v) => v switch
    {
        long l => l,
        int i => i,
        bool b => b ? 1 : 0,
        _ => throw new TemplateRuntimeException($"'{TypeName(v)}' object cannot be interpreted as an integer"),
    };

    public static double AsDouble(object? v) => v switch
    {
        double d => d,
        long l => l,
        int i => i,
        bool b => b ? 1 : 0,
        _ => throw new TemplateRuntimeException($"must be real number, not {TypeName(v)}"),
    };

    public static new bool Equals(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInteger(a) && IsInteger(b) ? AsLong(a) == AsLong(b) : AsDouble(a) == AsDouble(b);
        }

        switch (a)
        {
            case null:
                return b is null;
            case string sa:
                return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
            case Undefined:
                return b is Undefined;
            case object?[] ta:
                return b is object?[] tb && SequenceEquals(ta, tb);
            case IReadOnlyList<object?> la:
                return b is IReadOnlyList<object?> lb && b is not object?[] && SequenceEquals(la, lb);
            case IReadOnlyDictionary<string, object?> da:
                if (b is not IReadOnlyDictionary<string, object?> db || da.Count != db.Count)
                {
                    return false;
                }

                foreach (var pair in da)
                {
                    if (!db.TryGetValue(pair.Key, out object? other) || !Equals(pair.Value, other))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return ReferenceEquals(a, b);
        }
    }

    private static bool SequenceEquals(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (!Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Python ordering (<c>&lt;</c> and friends); mixed types raise as in Python 3.</summary>
    public static int Compare(object? a, object? b, string op)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInteger(a) && IsInteger(b) ? AsLong(a).CompareTo(AsLong(b)) : AsDouble(a).CompareTo(AsDouble(b));
        }

        if (a is string sa && b is string sb)
        {
            return string.CompareOrdinal(sa, sb);
        }

        if (a is IReadOnlyList<object?> la && b is IReadOnlyList<object?> lb && (a is object?[]) == (b is object?[]))
        {
            for (int i = 0; i < la.Count && i < lb.Count; i++)
            {
                if (!Equals(la[i], lb[i]))
                {
                    return Compare(la[i], lb[i], op);
                }
            }

            return la.Count.CompareTo(lb.Count);
        }

        throw new TemplateRuntimeException($"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    public static bool Contains(object? container, object? item)
    {
        switch (container)
        {
            case string s:
                if (item is not string needle)
                {
                    throw new TemplateRuntimeException($"'in <string>' requires string as left operand, not {TypeName(item)}");
                }

                return s.Contains(needle, StringComparison.Ordinal);
            case IReadOnlyDictionary<string, object?> dict:
                return item is string key && dict.ContainsKey(key);
            case IReadOnlyList<object?> list:
                foreach (object? element in list)
                {
                    if (Equals(element, item))
                    {
                        return true;
                    }
                }

                return false;
            case Undefined:
                return false;
            default:
                throw new TemplateRuntimeException($"argument of type '{TypeName(container)}' is not iterable");
        }
    }

    public static object? Add(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInteger(a) && IsInteger(b) ? (object)checked(AsLong(a) + AsLong(b)) : AsDouble(a) + AsDouble(b);
        }

        if (a is string sa && b is string sb)
        {
            return string.Concat(sa, sb);
        }

        if (a is object?[] ta && b is object?[] tb)
        {
            return ta.Concat(tb).ToArray();
        }

        if (a is IReadOnlyList<object?> la && b is IReadOnlyList<object?> lb && a is not object?[] && b is not object?[])
        {
            var result = new List<object?>(la.Count + lb.Count);
            result.AddRange(la);
            result.AddRange(lb);
            return result;
        }

        throw OperandError("+", a, b);
    }

    public static object? Arithmetic(string op, object? a, object? b, long maxLength)
    {
        if (op == "+")
        {
            return Add(a, b);
        }

        if (op == "*" && (a is string || b is string || a is IReadOnlyList<object?> || b is IReadOnlyList<object?>))
        {
            return Repeat(a, b, maxLength);
        }

        if (!IsNumber(a) || !IsNumber(b))
        {
            throw OperandError(op, a, b);
        }

        bool integral = IsInteger(a) && IsInteger(b);
        switch (op)
        {
            case "-":
                return integral ? (object)checked(AsLong(a) - AsLong(b)) : AsDouble(a) - AsDouble(b);
            case "*":
                return integral ? (object)checked(AsLong(a) * AsLong(b)) : AsDouble(a) * AsDouble(b);
            case "/":
                if (AsDouble(b) == 0)
                {
                    throw new TemplateRuntimeException("division by zero");
                }

                return AsDouble(a) / AsDouble(b);
            case "//":
                if (AsDouble(b) == 0)
                {
                    throw new TemplateRuntimeException("integer division or modulo by zero");
                }

                return integral ? (object)FloorDiv(AsLong(a), AsLong(b)) : Math.Floor(AsDouble(a) / AsDouble(b));
            case "%":
                if (AsDouble(b) == 0)
                {
                    throw new TemplateRuntimeException("integer division or modulo by zero");
                }

                if (integral)
                {
                    long m = AsLong(a) % AsLong(b);
                    return m != 0 && (m < 0) != (AsLong(b) < 0) ? m + AsLong(b) : m;
                }

                double x = AsDouble(a), y = AsDouble(b), r = x % y;
                return r != 0 && (r < 0) != (y < 0) ? r + y : r;
            case "**":
                if (integral && AsLong(b) >= 0)
                {
                    return IntegerPower(AsLong(a), AsLong(b));
                }

                return Math.Pow(AsDouble(a), AsDouble(b));
            default:
                throw new TemplateRuntimeException($"unknown operator {op}");
        }
    }

    private static long FloorDiv(long a, long b)
    {
        long q = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q;
    }

    private static long IntegerPower(long value, long exponent)
    {
        long result = 1;
        long factor = value;
        while (exponent > 0)
        {
            if ((exponent & 1) != 0)
            {
                result = checked(result * factor);
            }

            exponent >>= 1;
            if (exponent > 0)
            {
                factor = checked(factor * factor);
            }
        }

        return result;
    }

    private static object? Repeat(object? a, object? b, long maxLength)
    {
        (object? seq, object? count) = IsInteger(a) ? (b, a) : (a, b);
        if (!IsInteger(count))
        {
            throw OperandError("*", a, b);
        }

        long n = Math.Max(0, AsLong(count));
        switch (seq)
        {
            case string s:
                if (s.Length * n > maxLength)
                {
                    throw new TemplateRuntimeException("string repetition exceeds the output limit");
                }

                return string.Concat(Enumerable.Repeat(s, (int)n));
            case IReadOnlyList<object?> list:
                if (list.Count * n > maxLength)
                {
                    throw new TemplateRuntimeException("list repetition exceeds the output limit");
                }

                var items = new List<object?>();
                for (long i = 0; i < n; i++)
                {
                    items.AddRange(list);
                }

                return seq is object?[] ? items.ToArray() : items;
            default:
                throw OperandError("*", a, b);
        }
    }

    public static object? Negate(object? value) => value switch
    {
        long l => (object)checked(-l),
        int i => (object)(-(long)i),
        bool b => (object)(b ? -1L : 0L),
        double d => (object)(-d),
        _ => throw new TemplateRuntimeException($"bad operand type for unary -: '{TypeName(value)}'"),
    };

    private static TemplateRuntimeException OperandError(string op, object? a, object? b)
    {
        if (a is Undefined ua)
        {
            return new TemplateRuntimeException(ua.Hint);
        }

        if (b is Undefined ub)
        {
            return new TemplateRuntimeException(ub.Hint);
        }

        if (op == "+" && a is string)
        {
            return new TemplateRuntimeException($"can only concatenate str (not \"{TypeName(b)}\") to str");
        }

        return new TemplateRuntimeException($"unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'");
    }
}
