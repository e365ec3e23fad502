using System.Text;

namespace LocalLlm.Templates;

/// <summary>
/// A parsed Jinja chat template, rendered with Hugging Face's semantics (<c>trim_blocks</c>, <c>lstrip_blocks</c>,
/// loop controls, <c>raise_exception</c>, <c>strftime_now</c>, non-ASCII-preserving <c>tojson</c>).
/// Parse once; <see cref="Render(TemplateContext)"/> is thread-safe and allocation-light.
/// </summary>
public sealed class ChatTemplate
{
    private readonly Stmt[] _body;

    private ChatTemplate(string source, Stmt[] body)
    {
        Source = source;
        _body = body;
    }

    public string Source { get; }

    /// <summary>Parses <paramref name="source"/>; a syntax error is a <see cref="TemplateException"/> with line and column.</summary>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return new ChatTemplate(source, Parser.Parse(source));
        }
        catch (TemplateRuntimeException e)
        {
            throw new TemplateException(e.Message, 0, 0, e);
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException or FormatException or OverflowException)
        {
            // A parser defect must still surface as a template error, never as a crash of the caller.
            throw new TemplateException($"Invalid template: {e.Message}", 0, 0, e);
        }
    }

    public string Render(IDictionary<string, object?> variables) =>
        Render(new TemplateContext(variables as IReadOnlyDictionary<string, object?> ?? new Dictionary<string, object?>(variables, StringComparer.Ordinal)));

    /// <summary>Renders; any failure, including the template's own <c>raise_exception</c>, is a <see cref="TemplateException"/>.</summary>
    public string Render(TemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var renderer = new Renderer(context);
        var output = new StringBuilder(Math.Min(Source.Length * 2, 1 << 16));
        try
        {
            renderer.ExecBody(_body, new Scope(null), output);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new TemplateException("Template recursion is too deep", 0, 0, e);
        }

        return output.ToString();
    }
}
