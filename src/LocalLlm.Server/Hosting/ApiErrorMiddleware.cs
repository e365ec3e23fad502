using LocalLlm.Server.OpenAi;

namespace LocalLlm.Server.Hosting;

/// <summary>Every failure leaves as an OpenAI error object; an unexpected one is logged and answered 500.</summary>
internal sealed partial class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
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
            await WriteAsync(context, new ApiException(ex.StatusCode, ex.Message, "invalid_request_error"));
        }
        catch (Exception ex)
        {
            LogUnhandled(ex, context.Request.Path);
            await WriteAsync(context, new ApiException(StatusCodes.Status500InternalServerError, "The server had an error while processing your request.", "server_error"));
        }
    }

    private static async Task WriteAsync(HttpContext context, ApiException error)
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

        await Results.Json(error.ToResponse(), OpenAiJsonContext.Wire.ErrorResponse, statusCode: error.Status).ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private partial void LogUnhandled(Exception exception, string path);
}
