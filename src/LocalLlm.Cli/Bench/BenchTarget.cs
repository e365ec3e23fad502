namespace LocalLlm.Cli.Bench;

/// <summary>One endpoint under test: an OpenAI-compatible server root and the model id to request from it.</summary>
internal sealed record BenchTarget(Uri BaseUrl, string Model)
{
    /// <summary>How reports name the target: the model, and the host when several targets share a model.</summary>
    public string Name => $"{Model} @ {BaseUrl.Authority}";

    /// <summary>A file-name-safe form of <see cref="Name"/>.</summary>
    public string Slug => new string($"{Model}-{BaseUrl.Host}-{BaseUrl.Port}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());

    /// <summary>
    /// Pairs base URLs with models: one model for every URL, one URL for every model, or one model per URL.
    /// </summary>
    public static IReadOnlyList<BenchTarget> Pair(IReadOnlyList<string> baseUrls, IReadOnlyList<string> models)
    {
        if (baseUrls.Count == 0 || models.Count == 0)
        {
            throw new ArgumentException("at least one --base-url and one --model are needed");
        }

        int count = Math.Max(baseUrls.Count, models.Count);
        if ((baseUrls.Count != 1 && baseUrls.Count != count) || (models.Count != 1 && models.Count != count))
        {
            throw new ArgumentException($"{baseUrls.Count} --base-url and {models.Count} --model values do not pair: give one model for all URLs, one URL for all models, or as many of each");
        }

        return Enumerable.Range(0, count)
            .Select(i => new BenchTarget(ParseRoot(baseUrls[baseUrls.Count == 1 ? 0 : i]), models[models.Count == 1 ? 0 : i]))
            .ToArray();
    }

    /// <summary>The server root with a trailing slash, so relative paths like `v1/chat/completions` resolve under it.</summary>
    public static Uri ParseRoot(string url)
    {
        string trimmed = url.Trim();
        if (trimmed.EndsWith("/v1", StringComparison.Ordinal) || trimmed.EndsWith("/v1/", StringComparison.Ordinal))
        {
            trimmed = trimmed[..trimmed.LastIndexOf("/v1", StringComparison.Ordinal)];
        }

        if (!Uri.TryCreate(trimmed.EndsWith('/') ? trimmed : trimmed + "/", UriKind.Absolute, out Uri? root)
            || (root.Scheme != Uri.UriSchemeHttp && root.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--base-url '{url}' is not an http(s) URL");
        }

        return root;
    }
}
