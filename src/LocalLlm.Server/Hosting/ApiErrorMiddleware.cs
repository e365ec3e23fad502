using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.Hosting;

/// <summary>
/// Every failure leaves as an OpenAI error object, never as an empty body: API errors as thrown, the server's own
/// rejections of a body (too large, too slow, malformed chunks) with their status, requests that match no route or no
/// method as 404 and 405; an unexpected failure is logged and answered 500.
/// </summary>
internal sealed partial class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger, ServerOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            await AnswerUnmatchedAsync(context);
        }
        catch (ApiException ex)
        {
            await WriteAsync(context, ex);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (BadHttpRequestException ex)
        {
            await WriteAsync(context, FromServer(ex));
        }
        catch (Exception ex)
        {
            LogUnhandled(ex, context.Request.Path);
            await WriteAsync(context, new ApiException(StatusCodes.Status500InternalServerError, "The server had an error while processing your request.", "server_error"));
        }
    }

    private ApiException FromServer(BadHttpRequestException ex) => ex.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => RequestLimitsMiddleware.TooLarge(options.MaxBodySize),
        StatusCodes.Status408RequestTimeout => new ApiException(ex.StatusCode, ex.Message, "invalid_request_error", code: "request_timeout"),
        _ => new ApiException(ex.StatusCode, ex.Message, "invalid_request_error"),
    };

    /// <summary>Routing answers an unknown URL 404 and a known one with the wrong method 405, both with an empty body.</summary>
    private static async Task AnswerUnmatchedAsync(HttpContext context)
    {
        HttpResponse response = context.Response;
        if (response.HasStarted || response.ContentType is not null || response.ContentLength is > 0)
        {
            return;
        }

        string request = $"{context.Request.Method} {context.Request.Path}";
        if (response.StatusCode == StatusCodes.Status404NotFound)
        {
            // OpenAI's own wording.
            await WriteAsync(context, new ApiException(StatusCodes.Status404NotFound, $"Invalid URL ({request})", "invalid_request_error"));
        }
        else if (response.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            string allow = response.Headers.Allow.ToString();
            await WriteAsync(context, new ApiException(
                StatusCodes.Status405MethodNotAllowed,
                $"Method not allowed ({request}); this URL takes {(allow.Length > 0 ? allow : "another method")}.",
                "invalid_request_error",
                code: "method_not_allowed"),
                allow);
        }
    }

    private static async Task WriteAsync(HttpContext context, ApiException error, string? allow = null)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = error.Status;
        if (error.Status == StatusCodes.Status429TooManyRequests)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        // A body over the limit stays unread; the server cannot drain it to reuse the connection, so the client must
        // not reuse it either (it would find it closed under its next request).
        if (error.Status == StatusCodes.Status413PayloadTooLarge)
        {
            context.Response.Headers.Connection = "close";
        }

        if (!string.IsNullOrEmpty(allow))
        {
            context.Response.Headers.Allow = allow;
        }

        await Results.Json(error.ToResponse(), OpenAiJsonContext.Wire.ErrorResponse, statusCode: error.Status).ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private partial void LogUnhandled(Exception exception, string path);
}
