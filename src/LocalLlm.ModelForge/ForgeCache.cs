using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LocalLlm.Backends.LlamaCpp;
using LocalLlm.ModelForge.Onnx;

namespace LocalLlm.ModelForge;

/// <summary>How a cached forged model is stored.</summary>
public enum ForgeQuantization
{
    /// <summary>As forged: the spec's F32 or F16 weights.</summary>
    None,

    /// <summary>Quantized by llama.cpp from the unquantized file.</summary>
    Q8_0,

    /// <summary>Quantized by llama.cpp from the unquantized file; rows not divisible by 256 fall back to other types.</summary>
    Q4_K_M,
}

/// <summary>
/// A folder of forged models keyed by everything that determines their bytes, so tests and tools forge a model once
/// per machine. Safe across threads and processes: a producer holds an exclusive lock file while it writes under
/// a temporary name and renames into place, so a visible cache file is always complete.
/// </summary>
public static class ForgeCache
{
    /// <summary>Environment variable naming the cache folder; the default is <c>~/.cache/localllm/forge</c>.</summary>
    public const string DirectoryVariable = "LOCALLLM_FORGE_CACHE";

    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(10);

    public static string CacheDirectory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(DirectoryVariable);
            return string.IsNullOrWhiteSpace(configured)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "localllm", "forge")
                : Path.GetFullPath(configured);
        }
    }

    /// <summary>Returns the path of the cached model, forging (and quantizing) it first if needed.</summary>
    public static string GetOrCreate(TinyModelSpec spec, ForgeQuantization quantization = ForgeQuantization.None) =>
        GetOrCreate(spec, quantization, CacheDirectory);

    /// <summary>As <see cref="GetOrCreate(TinyModelSpec, ForgeQuantization)"/>, in the given cache folder.</summary>
    internal static string GetOrCreate(TinyModelSpec spec, ForgeQuantization quantization, string directory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        spec.Validate();
        var path = Path.Combine(directory, FileName(spec, quantization));
        if (File.Exists(path))
        {
            return path;
        }

        Directory.CreateDirectory(directory);
        using (AcquireLock(path + ".lock"))
        {
            // Another process may have finished while this one waited for the lock.
            if (File.Exists(path))
            {
                return path;
            }

            if (quantization == ForgeQuantization.None)
            {
                GgufForge.Write(spec, path);
                return path;
            }

            var source = GetOrCreate(spec, ForgeQuantization.None, directory);
            var temporary = GgufForge.TemporaryPath(path);
            try
            {
                LlamaQuantizer.Quantize(source, temporary, quantization == ForgeQuantization.Q8_0 ? LlamaFileType.MostlyQ8_0 : LlamaFileType.MostlyQ4_K_M);
                File.Move(temporary, path);
            }
            finally
            {
                File.Delete(temporary);
            }
        }

        return path;
    }

    /// <summary>
    /// Returns the path of the cached ONNX model folder (see <see cref="OnnxForge"/>), writing it first if needed.
    /// The weights do not depend on <see cref="TinyModelSpec.WeightType"/>; <paramref name="precision"/> decides them.
    /// </summary>
    public static string GetOrCreateOnnx(TinyModelSpec spec, OnnxPrecision precision) => GetOrCreateOnnx(spec, precision, CacheDirectory);

    /// <summary>As <see cref="GetOrCreateOnnx(TinyModelSpec, OnnxPrecision)"/>, in the given cache folder.</summary>
    internal static string GetOrCreateOnnx(TinyModelSpec spec, OnnxPrecision precision, string directory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        spec.Validate();
        var path = Path.Combine(directory, OnnxFolderName(spec, precision));
        if (Directory.Exists(path))
        {
            return path;
        }

        Directory.CreateDirectory(directory);
        using (AcquireLock(path + ".lock"))
        {
            if (Directory.Exists(path))
            {
                return path;
            }

            // A folder cannot be replaced atomically, but it can appear atomically: it is written under a temporary
            // name and renamed, so a visible cache folder always holds every file.
            var temporary = GgufForge.TemporaryPath(path);
            try
            {
                OnnxForge.Write(spec, temporary, precision);
                Directory.Move(temporary, path);
            }
            finally
            {
                if (Directory.Exists(temporary))
                {
                    Directory.Delete(temporary, recursive: true);
                }
            }
        }

        return path;
    }

    /// <summary>
    /// A readable name plus a hash of every spec property, the quantization and <see cref="GgufForge.FormatVersion"/>.
    /// Floats enter the hash by their bit patterns, so specs that differ in any way never share a file. Properties added
    /// later (<see cref="TinyModelSpec.Weights"/>) enter only when they differ from their default, so the keys of
    /// specs that existed before them do not change.
    /// </summary>
    internal static string FileName(TinyModelSpec spec, ForgeQuantization quantization)
    {
        var type = quantization == ForgeQuantization.None ? spec.WeightType.ToString() : quantization.ToString();
        return CacheName(spec, type, $"forge-v{GgufForge.FormatVersion}", quantization.ToString()) + ".gguf";
    }

    /// <summary>As <see cref="FileName"/> for an ONNX model folder; its key adds <see cref="OnnxForge.FormatVersion"/>.</summary>
    internal static string OnnxFolderName(TinyModelSpec spec, OnnxPrecision precision) =>
        CacheName(spec, "onnx-" + precision, $"forge-v{GgufForge.FormatVersion}-onnx-v{OnnxForge.FormatVersion}", precision.ToString());

    private static string CacheName(TinyModelSpec spec, string type, string version, string variant)
    {
        var weights = spec.Weights == ForgeWeights.Random ? "" : $"|{spec.Weights}-v{Fitting.FittedWeights.Version}";
        var key = string.Create(CultureInfo.InvariantCulture,
            $"{version}|{spec.Architecture}|{spec.VocabularySize}|{spec.EmbeddingLength}|{spec.BlockCount}|"
            + $"{spec.HeadCount}|{spec.HeadCountKv}|{spec.HeadDim}|{spec.FeedForwardLength}|{spec.ContextLength}|"
            + $"{BitConverter.SingleToInt32Bits(spec.RopeFreqBase):X8}|{BitConverter.SingleToInt32Bits(spec.RmsEps):X8}|"
            + $"{spec.TiedEmbeddings}|{spec.WeightType}|{spec.Seed}|{spec.Name}|{variant}{weights}");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        var slug = new string(spec.Name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return $"{(slug.Length > 0 ? slug : "model")}-{type.ToLowerInvariant()}-{hash}";
    }

    /// <summary>
    /// Opens the lock file exclusively. On Unix .NET backs <see cref="FileShare.None"/> with an advisory
    /// <c>flock</c>, which also excludes other opens within this process; the kernel drops it if the holder dies.
    /// </summary>
    private static FileStream AcquireLock(string lockPath)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }
}
