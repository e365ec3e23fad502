using LocalLlm.Backends.LlamaCpp.Native;

namespace LocalLlm.Backends.LlamaCpp;

/// <summary>A compute device ggml loaded a backend for (the CPU, a CUDA GPU, ...).</summary>
/// <param name="Kind">"CPU", "GPU", "IGPU", "ACCEL" or "META".</param>
public sealed record LlamaDevice(string Name, string Description, string Kind, long FreeBytes, long TotalBytes)
{
    /// <summary>The devices of the loaded backends, in ggml's order; loads the native libraries first if needed.</summary>
    public static unsafe IReadOnlyList<LlamaDevice> List()
    {
        LlamaLibrary.EnsureLoaded();
        var count = (int)GgmlNative.ggml_backend_dev_count();
        var devices = new List<LlamaDevice>(count);
        for (var i = 0; i < count; i++)
        {
            var device = GgmlNative.ggml_backend_dev_get((nuint)i);
            nuint free = 0, total = 0;
            GgmlNative.ggml_backend_dev_memory(device, &free, &total);
            devices.Add(new LlamaDevice(
                Marshal.PtrToStringUTF8((nint)GgmlNative.ggml_backend_dev_name(device)) ?? string.Empty,
                Marshal.PtrToStringUTF8((nint)GgmlNative.ggml_backend_dev_description(device)) ?? string.Empty,
                GgmlNative.ggml_backend_dev_type(device).ToString().ToUpperInvariant(),
                (long)free,
                (long)total));
        }

        return devices;
    }
}
