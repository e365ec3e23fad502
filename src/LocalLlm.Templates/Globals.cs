using System.Globalization;
using System.Text;

namespace LocalLlm.Templates;

internal sealed class BuiltinFunction(string name, Func<Renderer, Args, object?> body) : PyCallable
{
    public override string Name => name;

    public override object? Call(Renderer renderer, Args args) => body(renderer, args);
}

/// <summary>Global functions: Jinja's (<c>range</c>, <c>dict</c>, <c>namespace</c>, ...) and Hugging Face's additions.</summary>
internal static class Globals
{
    /// <summary>The sandbox's limit on <c>range()</c>, as in Jinja's <c>MAX_RANGE</c>.</summary>
    public const int MaxRange = 100_000;

    public static readonly Dictionary<string, PyCallable> Table = new PyCallable[]
    {
        new BuiltinFunction("range", (_, a) => Range(a)),
        new BuiltinFunction("dict", (_, a) => Dict(a)),
        new BuiltinFunction("namespace", (_, a) => NewNamespace(a)),
        new BuiltinFunction("raise_exception", (_, a) => throw new TemplateRuntimeException(Py.Str(a.Get(0, "message"))) { Raised = true }),
        new BuiltinFunction("strftime_now", (r, a) => Strftime(r.Context.Now(), Py.Str(a.Get(0, "format")))),
        new BuiltinFunction("joiner", (_, a) => Joiner(Py.Str(a.Get(0, "sep", ", ")))),
        new BuiltinFunction("cycler", (_, a) => Cycler(a.Positional)),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    private static List<object?> Range(Args a)
    {
        long start = 0, stop, step = 1;
        if (a.Count == 1)
        {
            stop = Py.AsLong(a.Positional[0]);
        }
        else if (a.Count >= 2)
        {
            start = Py.AsLong(a.Positional[0]);
            stop = Py.AsLong(a.Positional[1]);
            step = a.Count > 2 ? Py.AsLong(a.Positional[2]) : 1;
        }
        else
        {
            throw new TemplateRuntimeException("range expected at least 1 argument, got 0");
        }

        if (step == 0)
        {
            throw new TemplateRuntimeException("range() arg 3 must not be zero");
        }

        long count = step > 0 ? Math.Max(0, (stop - start + step - 1) / step) : Math.Max(0, (start - stop - step - 1) / -step);
        if (count > MaxRange)
        {
            throw new TemplateRuntimeException($"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
        }

        var result = new List<object?>((int)count);
        for (long i = 0; i < count; i++)
        {
            result.Add(start + (i * step));
        }

        return result;
    }

    private static OrderedDictionary<string, object?> Dict(Args a)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        if (a.Count > 0 && a.Positional[0] is IReadOnlyDictionary<string, object?> source)
        {
            foreach (var pair in source)
            {
                dict[pair.Key] = pair.Value;
            }
        }

        foreach (var pair in a.Named)
        {
            dict[pair.Key] = pair.Value;
        }

        return dict;
    }

    private static Namespace NewNamespace(Args a)
    {
        var ns = new Namespace();
        if (a.Count > 0 && a.Positional[0] is IReadOnlyDictionary<string, object?> source)
        {
            foreach (var pair in source)
            {
                ns.Attributes[pair.Key] = pair.Value;
            }
        }

        foreach (var pair in a.Named)
        {
            ns.Attributes[pair.Key] = pair.Value;
        }

        return ns;
    }

    private static BuiltinFunction Joiner(string separator)
    {
        bool used = false;
        return new BuiltinFunction("joiner", (_, _) =>
        {
            if (!used)
            {
                used = true;
                return "";
            }

            return separator;
        });
    }

    private static OrderedDictionary<string, object?> Cycler(object?[] items)
    {
        int position = 0;
        var cycler = new OrderedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["items"] = items.ToList(),
        };
        cycler["next"] = new BuiltinFunction("next", (_, _) =>
        {
            if (items.Length == 0)
            {
                throw new TemplateRuntimeException("cycler has no items");
            }

            object? value = items[position];
            position = (position + 1) % items.Length;
            return value;
        });
        cycler["reset"] = new BuiltinFunction("reset", (_, _) => position = 0);
        return cycler;
    }

    /// <summary>Python's <c>strftime</c> for the directives templates use, in the C locale.</summary>
    internal static string Strftime(DateTime t, string format)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }

            char d = format[++i];
            sb.Append(d switch
            {
                'Y' => t.Year.ToString("0000", CultureInfo.InvariantCulture),
                'y' => (t.Year % 100).ToString("00", CultureInfo.InvariantCulture),
                'm' => t.Month.ToString("00", CultureInfo.InvariantCulture),
                'd' => t.Day.ToString("00", CultureInfo.InvariantCulture),
                'e' => t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
                '-' when i + 1 < format.Length => Unpadded(t, format[++i]),
                'H' => t.Hour.ToString("00", CultureInfo.InvariantCulture),
                'I' => (((t.Hour + 11) % 12) + 1).ToString("00", CultureInfo.InvariantCulture),
                'M' => t.Minute.ToString("00", CultureInfo.InvariantCulture),
                'S' => t.Second.ToString("00", CultureInfo.InvariantCulture),
                'f' => (t.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", CultureInfo.InvariantCulture),
                'p' => t.Hour < 12 ? "AM" : "PM",
                'B' => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(t.Month),
                'b' or 'h' => CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(t.Month),
                'A' => CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(t.DayOfWeek),
                'a' => CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedDayName(t.DayOfWeek),
                'j' => t.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
                'w' => ((int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'F' => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                'T' => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                'D' => t.ToString("MM/dd/yy", CultureInfo.InvariantCulture),
                'Z' => "",
                'z' => "",
                '%' => "%",
                _ => "%" + d,
            });
        }

        return sb.ToString();
    }

    private static string Unpadded(DateTime t, char d) => d switch
    {
        'd' => t.Day.ToString(CultureInfo.InvariantCulture),
        'm' => t.Month.ToString(CultureInfo.InvariantCulture),
        'H' => t.Hour.ToString(CultureInfo.InvariantCulture),
        'I' => (((t.Hour + 11) % 12) + 1).ToString(CultureInfo.InvariantCulture),
        'M' => t.Minute.ToString(CultureInfo.InvariantCulture),
        'S' => t.Second.ToString(CultureInfo.InvariantCulture),
        'j' => t.DayOfYear.ToString(CultureInfo.InvariantCulture),
        _ => "%-" + d,
    };
}
