using LocalLlm.ModelForge;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LocalLlm.Server.Tests.Models;

/// <summary>The real server on a loopback port, serving what a models.yaml written by the test lists.</summary>
internal static class ModelsFileServer
{
    /// <summary>A new temporary folder holding copies of the given forged GGUF models under the given file names.</summary>
    public static string FolderWith(params (TinyModelSpec Spec, string FileName)[] models)
    {
        string folder = Directory.CreateTempSubdirectory("models-file-").FullName;
        foreach ((TinyModelSpec spec, string fileName) in models)
        {
            File.Copy(ForgeCache.GetOrCreate(spec), Path.Combine(folder, fileName));
        }

        return folder;
    }

    public static async Task<string> WriteModelsFileAsync(string folder, string yaml)
    {
        string modelsFile = Path.Combine(folder, "models.yaml");
        await File.WriteAllTextAsync(modelsFile, yaml);
        return modelsFile;
    }

    public static WebApplicationFactory<Program> Start(string modelsFile, int threads = 2)
    {
        WebApplicationFactory<Program> factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("models-file", modelsFile);
            builder.UseSetting("threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("urls", "http://127.0.0.1:0");
        });
        factory.UseKestrel(0);
        try
        {
            HostStarts.Start(factory);
        }
        catch
        {
            factory.Dispose();
            throw;
        }

        return factory;
    }

    /// <summary>Writes <paramref name="yaml"/> as the folder's models.yaml, asserts the server fails to start on it, and returns every message of the failure.</summary>
    public static async Task<string> StartFailureAsync(string folder, string yaml, int threads = 2)
    {
        string modelsFile = await WriteModelsFileAsync(folder, yaml);
        Exception error = Assert.ThrowsAny<Exception>(() => Start(modelsFile, threads).Dispose());
        return Flatten(error);
    }

    /// <summary>Every message of a start failure, inner ones included.</summary>
    public static string Flatten(Exception error) => error is AggregateException aggregate
        ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
        : error.Message + (error.InnerException is { } inner ? " | " + Flatten(inner) : "");
}
