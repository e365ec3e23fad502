using LocalLlm.Server.Hosting;
using LocalLlm.Server.Models;
using LocalLlm.Server.OpenAi;

WebApplicationBuilder builder = WebApplication.CreateBuilder(ServerOptions.ExpandSwitches(args));
// --urls, ASPNETCORE_URLS and ASPNETCORE_HTTP_PORTS win; otherwise serve where llama-server does.
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:8080");
}

builder.Services.AddSingleton(ServerOptions.FromConfiguration(builder.Configuration));
builder.Services.AddSingleton<ModelRegistry>();
builder.Services.AddHostedService(services => services.GetRequiredService<ModelRegistry>());

WebApplication app = builder.Build();
app.UseMiddleware<ApiErrorMiddleware>();
app.MapOpenAi();
app.MapGet("/health", (ModelRegistry registry) => registry.IsReady
    ? Results.Json(new HealthStatus("ok"), OpenAiJsonContext.Wire.HealthStatus)
    : Results.Json(new HealthStatus("unavailable"), OpenAiJsonContext.Wire.HealthStatus, statusCode: StatusCodes.Status503ServiceUnavailable));
app.Run();

/// <summary>Entry point type, visible to the integration tests' host factory.</summary>
public partial class Program;
