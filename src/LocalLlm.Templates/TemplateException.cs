namespace LocalLlm.Templates;

/// <summary>
/// A template that fails to parse or render. <see cref="Exception.Message"/> is the bare message (for
/// <c>raise_exception</c> it is exactly the template's text); <see cref="Line"/> and <see cref="Column"/> are
/// 1-based positions in the template source, 0 when unknown.
/// </summary>
public sealed class TemplateException : Exception
{
    public TemplateException(string message, int line, int column = 0, Exception? innerException = null)
        : base(message, innerException)
    {
        Line = line;
        Column = column;
    }

    public TemplateException()
        : this("Template error.", 0)
    {
    }

    public TemplateException(string message)
        : this(message, 0)
    {
    }

    public TemplateException(string message, Exception innerException)
        : this(message, 0, 0, innerException)
    {
    }

    public int Line { get; }

    public int Column { get; }

    /// <summary>True when the template itself called <c>raise_exception</c>.</summary>
    public bool RaisedByTemplate { get; init; }

    /// <summary>The message followed by its position, e.g. <c>Unexpected token (line 3, column 7)</c>.</summary>
    public string Describe() => Line <= 0 ? Message
        : Column <= 0 ? $"{Message} (line {Line})"
        : $"{Message} (line {Line}, column {Column})";
}
