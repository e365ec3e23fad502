using LocalLlm.Backends.LlamaCpp.Native;
using LocalLlm.Engine.Backend;
using Microsoft.Extensions.Logging;

namespace LocalLlm.Backends.LlamaCpp.Tests;

public sealed class LoadingTests
{
    [Fact]
    public void BuildOutput_OfReferencingProject_HoldsNativeLibraries()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, LlamaLibrary.LlamaFileName)));
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "libggml.v0.5.0.so")));
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "libggml-base.so")));
        Assert.NotEmpty(Directory.GetFiles(AppContext.BaseDirectory, "libggml-cpu-*.so"));
    }

    [Fact]
    public void EnsureLoaded_WithoutOverride_LoadsFromApplicationFolder()
    {
        var expected = Environment.GetEnvironmentVariable(LlamaLibrary.NativeDirectoryVariable) is { Length: > 0 } overridden
            ? Path.GetFullPath(overridden)
            : Path.GetFullPath(AppContext.BaseDirectory);

        Assert.Equal(expected.TrimEnd('/'), LlamaLibrary.NativeDirectory.TrimEnd('/'));
        Assert.Contains("CPU", LlamaLibrary.SystemInfo, StringComparison.Ordinal);
    }

    [Fact]
    public void ListDevices_CpuBuild_HasCpuDeviceWithMemory()
    {
        var cpu = Assert.Single(LlamaDevice.List(), d => d.Kind == "CPU");

        Assert.False(string.IsNullOrEmpty(cpu.Name));
        Assert.True(cpu.TotalBytes > 0);
    }

    [Fact]
    public void FindNativeDirectory_OverrideWithoutLibrary_ThrowsNamingTheVariable()
    {
        var empty = Directory.CreateTempSubdirectory("llama-native-").FullName;
        try
        {
            var error = Assert.Throws<LlamaException>(() => LlamaLibrary.FindNativeDirectory(empty));

            Assert.Contains(LlamaLibrary.NativeDirectoryVariable, error.Message, StringComparison.Ordinal);
            Assert.Contains(empty, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void FindNativeDirectory_OverrideWithLibrary_ReturnsIt()
        => Assert.Equal(LlamaLibrary.NativeDirectory, LlamaLibrary.FindNativeDirectory(LlamaLibrary.NativeDirectory));

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
        => Assert.Throws<FileNotFoundException>(() => TestModel.Load(path: "/nonexistent/model.gguf"));

    [Fact]
    public void Load_NotAGguf_ThrowsWithNativeReason()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "not a model");

            var error = Assert.Throws<LlamaException>(() => TestModel.Load(path: path));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("gguf", error.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0, 4, 64)]
    [InlineData(512, 0, 64)]
    [InlineData(512, 257, 64)]
    [InlineData(512, 4, 0)]
    public void Load_InvalidOptions_Throws(int contextSize, int maxSequences, int batchSize)
        => Assert.Throws<ArgumentOutOfRangeException>(() => TestModel.Load(contextSize, maxSequences, batchSize));

    [Fact]
    public void ContextHandle_ModelDisposedFirst_KeepsModelAliveUntilContextCloses()
    {
        LlamaLibrary.EnsureLoaded();
        var model = SafeLlamaModelHandle.LoadFromFile(TestModel.Path, LlamaNative.llama_model_default_params());
        var contextParams = LlamaNative.llama_context_default_params();
        contextParams.NThreads = 1;
        contextParams.NThreadsBatch = 1;
        var context = SafeLlamaContextHandle.Create(model, contextParams);

        model.Dispose();

        // Disposed by its owner, but the context's reference keeps the native model alive: decoding reads its weights.
        Assert.False(model.IsClosed);
        using (var batch = new LlamaBatchBuffer(4))
        {
            var native = batch.Fill([new BatchToken(1, 0, 0, WantLogits: true)], vocabularySize: 256, maxSequences: 1);
            Assert.Equal(0, LlamaNative.llama_decode(context, native));
        }

        context.Dispose();
        Assert.True(context.IsClosed);
        Assert.True(model.IsClosed);
    }

    [Fact]
    public void Load_WithLogger_RoutesNativeLogAtDebug()
    {
        var logger = new ListLogger();
        try
        {
            using var backend = LlamaCppBackend.Load(new LlamaCppOptions { ModelPath = TestModel.Path, ContextSize = 256, Threads = 1 }, logger);
        }
        finally
        {
            LlamaLibrary.SetLogger(null);
        }

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Debug && e.Message.StartsWith("llama.cpp", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("qwen3", StringComparison.Ordinal));
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<(LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return _entries.ToList();
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
