using System.Collections.Concurrent;
using System.Reflection;
using LocalLlm.Backends.LlamaCpp.Native;
using Microsoft.Extensions.Logging;

namespace LocalLlm.Backends.LlamaCpp;

/// <summary>
/// Finds and loads the pinned llama.cpp build (v0.5.0) once per process: installs the import resolver for
/// <see cref="LlamaNative"/> and <see cref="GgmlNative"/>, routes native logging, loads the ggml backends
/// (the CPU backend of this build is a separate, dynamically loaded library) and initialises llama.cpp.
/// </summary>
public static class LlamaLibrary
{
    /// <summary>Folder holding a v0.5.0 build (e.g. a CUDA build's bins folder); wins over the libraries the build copied.</summary>
    public const string NativeDirectoryVariable = "LLAMA_NATIVE_DIR";

    public const string LlamaFileName = "libllama.v0.5.0.so";

    /// <summary>Struct layouts in this assembly are those of this version; other builds would corrupt memory.</summary>
    public const string ExpectedVersion = "0.5.0";

    private const string GgmlFileName = "libggml.v0.5.0.so";
    private const string GgmlBaseFileName = "libggml-base.so";

    private static readonly Lock s_lock = new();
    private static readonly ConcurrentDictionary<string, nint> s_handles = new(StringComparer.Ordinal);
    private static volatile string? s_nativeDirectory;
    private static bool s_resolverInstalled;

    /// <summary>The folder the native libraries were loaded from; loads them first if needed.</summary>
    public static string NativeDirectory
    {
        get
        {
            EnsureLoaded();
            return s_nativeDirectory!;
        }
    }

    /// <summary>llama.cpp's description of the CPU features and backends in use.</summary>
    public static unsafe string SystemInfo
    {
        get
        {
            EnsureLoaded();
            return Marshal.PtrToStringUTF8((nint)LlamaNative.llama_print_system_info()) ?? string.Empty;
        }
    }

    /// <summary>Sends llama.cpp's own log lines to <paramref name="logger"/> at Debug level; null silences them. Process-wide.</summary>
    public static void SetLogger(ILogger? logger) => LlamaLog.Logger = logger;

    /// <summary>Loads the native libraries once; cheap after the first success. A failure is retried on the next call.</summary>
    /// <exception cref="LlamaException">No v0.5.0 build was found, or it could not be loaded.</exception>
    public static void EnsureLoaded()
    {
        if (s_nativeDirectory is not null)
        {
            return;
        }

        lock (s_lock)
        {
            if (s_nativeDirectory is not null)
            {
                return;
            }

            var directory = FindNativeDirectory(Environment.GetEnvironmentVariable(NativeDirectoryVariable));
            LoadFrom(directory);
            s_nativeDirectory = directory;
        }
    }

    /// <summary>The folder to load from: <paramref name="fromEnvironment"/> (the variable's value) when set, else the libraries beside this assembly.</summary>
    internal static string FindNativeDirectory(string? fromEnvironment)
    {
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            var full = Path.GetFullPath(fromEnvironment);
            if (File.Exists(Path.Combine(full, LlamaFileName)))
            {
                return full;
            }

            // An explicit choice that does not work is an error, never a silent fallback to another build.
            throw new LlamaException(
                $"{NativeDirectoryVariable} is set to '{full}', but that folder holds no {LlamaFileName}. " +
                $"Point it at a folder with the llama.cpp v{ExpectedVersion} shared libraries, or unset it to use the ones the build copied.");
        }

        var candidates = CandidateDirectories().ToList();
        foreach (var candidate in candidates)
        {
            if (File.Exists(Path.Combine(candidate, LlamaFileName)))
            {
                return candidate;
            }
        }

        throw new LlamaException(
            $"The llama.cpp native libraries ({LlamaFileName}) were not found; looked in: {string.Join(", ", candidates)}. " +
            $"Run 'dotnet build' with npm on PATH (the build downloads @node-llama-cpp/linux-x64 and copies the libraries beside the application), " +
            $"or set {NativeDirectoryVariable} to a folder holding {LlamaFileName}.");
    }

    private static IEnumerable<string> CandidateDirectories()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var assemblyDirectory = Path.GetDirectoryName(typeof(LlamaLibrary).Assembly.Location);
        foreach (var root in new[] { AppContext.BaseDirectory, assemblyDirectory })
        {
            if (string.IsNullOrEmpty(root))
            {
                continue;
            }

            foreach (var directory in new[] { root, Path.Combine(root, "runtimes", "linux-x64", "native") })
            {
                var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
                if (seen.Add(full))
                {
                    yield return full;
                }
            }
        }
    }

    private static unsafe void LoadFrom(string directory)
    {
        // Dependencies first, each by full path, so no other copy on the loader's search path can be picked up.
        foreach (var (importName, fileName) in new[]
                 {
                     (GgmlNative.BaseLibraryName, GgmlBaseFileName),
                     (GgmlNative.LibraryName, GgmlFileName),
                     (LlamaNative.LibraryName, LlamaFileName),
                 })
        {
            if (s_handles.ContainsKey(importName))
            {
                continue;
            }

            var path = Path.Combine(directory, fileName);
            try
            {
                s_handles[importName] = NativeLibrary.Load(path);
            }
            catch (DllNotFoundException e)
            {
                throw new LlamaException($"Could not load '{path}': {e.Message}", e);
            }
        }

        if (!s_resolverInstalled)
        {
            NativeLibrary.SetDllImportResolver(typeof(LlamaLibrary).Assembly, Resolve);
            s_resolverInstalled = true;
        }

        CheckVersion(directory);
        LlamaLog.Install();
        GgmlNative.ggml_backend_load_all_from_path(directory);
        if (GgmlNative.ggml_backend_dev_count() == 0)
        {
            throw new LlamaException(
                $"No ggml backend could be loaded from '{directory}': it needs a libggml-cpu-*.so matching this CPU (or a GPU backend library).");
        }

        LlamaNative.llama_backend_init();
    }

    private static unsafe void CheckVersion(string directory)
    {
        string? version;
        try
        {
            version = Marshal.PtrToStringUTF8((nint)LlamaNative.llama_version());
        }
        catch (EntryPointNotFoundException)
        {
            version = null;
        }

        if (version is null || !(version == ExpectedVersion || version.StartsWith(ExpectedVersion + "-", StringComparison.Ordinal)))
        {
            throw new LlamaException(
                $"'{Path.Combine(directory, LlamaFileName)}' is llama.cpp version '{version ?? "unknown"}', but this build binds v{ExpectedVersion} only.");
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        // Zero lets the runtime fall back to its own probing, which then reports the missing library.
        return s_handles.TryGetValue(libraryName, out var handle) ? handle : 0;
    }
}
