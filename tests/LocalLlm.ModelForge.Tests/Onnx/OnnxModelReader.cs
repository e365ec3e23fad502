using System.Globalization;
using System.Runtime.InteropServices;
using LocalLlm.ModelForge.Onnx;
using LocalLlm.ModelForge.Onnx.Proto;

namespace LocalLlm.ModelForge.Tests.Onnx;

/// <summary>Reads a forged model folder back through the generated protobuf classes.</summary>
internal static class OnnxModelReader
{
    public static ModelProto Read(string folder)
    {
        using var stream = File.OpenRead(Path.Combine(folder, OnnxForge.ModelFileName));
        return ModelProto.Parser.ParseFrom(stream);
    }

    /// <summary>The raw bytes of an initializer, inline or from its external data file.</summary>
    public static byte[] Bytes(string folder, TensorProto tensor)
    {
        if (tensor.DataLocation != TensorProto.Types.DataLocation.External)
        {
            return tensor.RawData.ToByteArray();
        }

        string Get(string key) => tensor.ExternalData.Single(e => e.Key == key).Value;
        using var data = File.OpenRead(Path.Combine(folder, Get("location")));
        data.Position = long.Parse(Get("offset"), CultureInfo.InvariantCulture);
        var bytes = new byte[int.Parse(Get("length"), CultureInfo.InvariantCulture)];
        data.ReadExactly(bytes);
        return bytes;
    }

    public static float[] Floats(string folder, TensorProto tensor) => MemoryMarshal.Cast<byte, float>(Bytes(folder, tensor)).ToArray();

    public static TensorProto Initializer(ModelProto model, string name) => model.Graph.Initializer.Single(t => t.Name == name);

    /// <summary>Dimensions as the contract writes them: numbers for fixed sizes, names for symbolic ones.</summary>
    public static string Shape(ValueInfoProto value) => string.Join(",", value.Type.TensorType.Shape.Dim.Select(d =>
        d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            ? d.DimValue.ToString(CultureInfo.InvariantCulture)
            : d.DimParam));
}
