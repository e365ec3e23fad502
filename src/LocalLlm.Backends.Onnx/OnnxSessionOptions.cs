using Microsoft.ML.OnnxRuntime;

namespace LocalLlm.Backends.Onnx;

/// <summary>Session options from backend options: threads, spinning and the execution provider.</summary>
internal static class OnnxSessionOptions
{
    public static SessionOptions Create(OnnxBackendOptions options)
    {
        var session = new SessionOptions
        {
            IntraOpNumThreads = options.EffectiveThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        try
        {
            session.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
            if (options.Device == OnnxDevice.Cuda)
            {
                AppendCuda(session);
            }

            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void AppendCuda(SessionOptions session)
    {
        try
        {
            session.AppendExecutionProvider_CUDA(0);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw new OnnxModelException(
                "device 'cuda' needs ONNX Runtime's CUDA execution provider (libonnxruntime_providers_cuda.so / onnxruntime_providers_cuda.dll), "
                + "which ships in the Microsoft.ML.OnnxRuntime.Gpu package together with CUDA 12 and cuDNN 9 on the machine; "
                + "this build carries the CPU package Microsoft.ML.OnnxRuntime. Use device 'cpu', or build with Microsoft.ML.OnnxRuntime.Gpu. "
                + $"ONNX Runtime said: {ex.Message}",
                ex);
        }
    }
}
