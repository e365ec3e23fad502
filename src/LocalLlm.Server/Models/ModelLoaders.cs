using LocalLlm.Server.Hosting;

namespace LocalLlm.Server.Models;

/// <summary>The backends the server can serve models with.</summary>
internal static class ModelLoaders
{
    public static IReadOnlyList<IModelLoader> Create(ServerOptions options, ILoggerFactory loggerFactory) =>
    [
        new LlamaCppModelLoader(options, loggerFactory),
        new OnnxModelLoader(options, loggerFactory),
    ];
}
