using LocalLlm.Server.Hosting;
using LocalLlm.Server.Models;
using LocalLlm.Server.Observability;
using LocalLlm.Server.OpenAi;
using Prometheus;

// The engine's meter is exported under its own names by MeterPrometheusExporter; prometheus-net adds process and HTTP basics.
Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true });

WebApplicationBuilder builder = WebApplication.CreateBuilder(ServerLogging.ExpandSwitches(ServerOptions.ExpandSwitches(args)));
builder.AddServerLogging();

// --urls, ASPNETCORE_URLS and ASPNETCORE_HTTP_PORTS win; otherwise serve where llama-server does.
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8080");
}

ServerOptions serverOptions = ServerOptions.FromConfiguration(builder.Configuration);
builder.Services.AddSingleton(serverOptions);
builder.Services.AddSingleton<MeterPrometheusExporter>();
builder.Services.AddSingleton(services => new Drain(
    services.GetRequiredService<IHostApplicationLifetime>(), services.GetRequiredService<ILogger<Drain>>())
{
    Timeout = TimeSpan.FromSeconds(serverOptions.DrainTimeoutSeconds ?? 30),
});
builder.Services.AddSingleton<IHostLifetime>(services => services.GetRequiredService<Drain>());
builder.Services.AddSingleton<ModelRegistry>();
builder.Services.AddHostedService(services => services.GetRequiredService<ModelRegistry>());

WebApplication app = builder.Build();

// Created before the models load, so the exporter sees every measurement.
app.Services.GetRequiredService<MeterPrometheusExporter>();
Drain drain = app.Services.GetRequiredService<Drain>();

// Outermost, so requests turned away while draining get their log line too.
app.UseMiddleware<RequestLogMiddleware>();
app.Use(drain.Track);
app.UseMiddleware<ApiErrorMiddleware>();
app.UseHttpMetrics();
app.UseMiddleware<RequestLimitsMiddleware>();
app.MapOpenAi();
app.MapObservability();
app.Run();

/// <summary>Entry point type, visible to the integration tests' host factory.</summary>
public partial class Program;
