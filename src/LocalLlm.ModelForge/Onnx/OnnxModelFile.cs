using System.Globalization;
using Google.Protobuf;
using LocalLlm.ModelForge.Onnx.Proto;

namespace LocalLlm.ModelForge.Onnx;

/// <summary>
/// Saves a <see cref="ModelProto"/> as <c>model.onnx</c>, moving initializers of at least
/// <see cref="ExternalThresholdBytes"/> into one external data file beside it, as the ONNX exporters do. Protobuf
/// messages are limited to 2 GiB, and external data lets ONNX Runtime map weights instead of copying them.
/// </summary>
internal static class OnnxModelFile
{
    public const string DataFileName = "model.onnx.data";

    public const int ExternalThresholdBytes = 1024;

    /// <summary>External tensors start at page boundaries, so ONNX Runtime can memory-map them.</summary>
    private const int Alignment = 4096;

    public static void Save(ModelProto model, string modelPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        using (var data = new FileStream(Path.Combine(folder, DataFileName), FileMode.Create, FileAccess.Write))
        {
            foreach (var tensor in model.Graph.Initializer.Where(t => t.RawData.Length >= ExternalThresholdBytes))
            {
                var offset = (data.Position + Alignment - 1) / Alignment * Alignment;
                data.SetLength(offset);
                data.Position = offset;
                tensor.RawData.WriteTo(data);
                tensor.ExternalData.Add(Entry("location", DataFileName));
                tensor.ExternalData.Add(Entry("offset", offset.ToString(CultureInfo.InvariantCulture)));
                tensor.ExternalData.Add(Entry("length", tensor.RawData.Length.ToString(CultureInfo.InvariantCulture)));
                tensor.DataLocation = TensorProto.Types.DataLocation.External;
                tensor.RawData = ByteString.Empty;
            }
        }

        using var stream = new FileStream(modelPath, FileMode.Create, FileAccess.Write);
        model.WriteTo(stream);
    }

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };
}
