using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.Hosting;

/// <summary>
/// What every API request body must be before an endpoint reads it: at most --max-body-size bytes (declared or, for a
/// chunked body, counted by the server as it arrives), JSON by its Content-Type, and UTF-8 throughout. Requests that
/// match no endpoint pass untouched, so they get their 404 or 405 rather than a complaint about their body.
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, ServerOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1") || context.GetEndpoint() is not RouteEndpoint
            || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(context);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = options.MaxBodySize;
        }

        if (context.Request.ContentLength > options.MaxBodySize)
        {
            throw TooLarge(options.MaxBodySize);
        }

        CheckContentType(context.Request.ContentType);
        Stream body = context.Request.Body;
        context.Request.Body = new Utf8ValidatingStream(body);
        try
        {
            await next(context);
        }
        finally
        {
            // The request log reads the (buffered) body again after the endpoint; it must find the stream it buffered.
            context.Request.Body = body;
        }
    }

    public static ApiException TooLarge(long limit) => new(
        StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than this server's limit of {limit} bytes (--max-body-size).",
        "invalid_request_error",
        code: "request_too_large");

    /// <summary>Every body this API takes is JSON in UTF-8; a request without a Content-Type is read as JSON, as curl users expect.</summary>
    private static void CheckContentType(string? contentType)
    {
        if (contentType is null)
        {
            return;
        }

        bool json = MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? media)
            && (media.SubType.Equals("json", StringComparison.OrdinalIgnoreCase) || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
            && (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || media.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
        if (!json)
        {
            throw new ApiException(
                StatusCodes.Status415UnsupportedMediaType,
                $"Unsupported Content-Type '{contentType}': send the request body as application/json (UTF-8).",
                "invalid_request_error",
                code: "unsupported_media_type");
        }
    }
}
