namespace LocalLlm.Backends.Onnx;

/// <summary>
/// Cuts added-token text out of a string before BPE, as llama.cpp partitions it: tokens are tried longest first, and
/// each one splits every remaining text fragment at all its occurrences. User-defined tokens (added, not special) are
/// always recognised; special (control) tokens only when special parsing is asked for.
/// </summary>
internal sealed class SpecialTokenSplitter
{
    private readonly AddedToken[] _byLength;

    public SpecialTokenSplitter(IEnumerable<AddedToken> tokens) =>
        _byLength = tokens.Where(t => t.Content.Length > 0).OrderByDescending(t => t.Content.Length).ThenBy(t => t.Id).ToArray();

    /// <summary>The text as fragments: raw text (Token -1) or one added token (its id, Text null).</summary>
    public List<(string? Text, int Token)> Split(string text, bool parseSpecial)
    {
        var fragments = new List<(string? Text, int Token)> { (text, -1) };
        foreach (AddedToken token in _byLength)
        {
            if (token.Special && !parseSpecial)
            {
                continue;
            }

            for (int i = 0; i < fragments.Count; i++)
            {
                if (fragments[i].Text is not { } raw || raw.IndexOf(token.Content, StringComparison.Ordinal) < 0)
                {
                    continue;
                }

                var pieces = new List<(string? Text, int Token)>();
                int start = 0;
                int found;
                while ((found = raw.IndexOf(token.Content, start, StringComparison.Ordinal)) >= 0)
                {
                    if (found > start)
                    {
                        pieces.Add((raw[start..found], -1));
                    }

                    pieces.Add((null, token.Id));
                    start = found + token.Content.Length;
                }

                if (start < raw.Length)
                {
                    pieces.Add((raw[start..], -1));
                }

                fragments.RemoveAt(i);
                fragments.InsertRange(i, pieces);
                i += pieces.Count - 1;
            }
        }

        return fragments;
    }
}
