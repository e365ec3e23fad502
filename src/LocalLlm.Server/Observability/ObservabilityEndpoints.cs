using LocalLlm.Server.Models;
using LocalLlm.Server.OpenAi;
using Prometheus;

namespace LocalLlm.Server.Observability;

internal static class ObservabilityEndpoints
{
    /// <summary>Probes for Kubernetes and load balancers, and Prometheus metrics.</summary>
    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Json(new HealthStatus("ok"), OpenAiJsonContext.Wire.HealthStatus));
        app.MapGet("/health/ready", Ready);
        app.MapGet("/health", Ready);
        app.MapGet("/metrics", async (HttpContext context, MeterPrometheusExporter exporter) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
            await context.Response.WriteAsync(exporter.Scrape(), context.RequestAborted);
        });
        return app;
    }

    private static IResult Ready(ModelRegistry registry, Drain drain)
    {
        string status = drain.IsDraining ? "draining" : registry.IsReady ? "ok" : "loading";
        return Results.Json(new HealthStatus(status), OpenAiJsonContext.Wire.HealthStatus,
            statusCode: status == "ok" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
