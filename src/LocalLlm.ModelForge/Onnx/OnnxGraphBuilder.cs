using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using LocalLlm.ModelForge.Onnx.Proto;

namespace LocalLlm.ModelForge.Onnx;

/// <summary>
/// Builds one ONNX graph: nodes (named and wired by value name), initializers, inputs, outputs and value infos.
/// Node outputs get unique generated names unless the caller names them, so graph code reads as expressions.
/// </summary>
internal sealed class OnnxGraphBuilder(string name)
{
    private readonly GraphProto _graph = new() { Name = name };
    private readonly Dictionary<string, int> _nameCounts = new(StringComparer.Ordinal);

    public GraphProto Graph => _graph;

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, [Unique(opType)], "", attributes)[0];

    /// <summary>Adds a node of an operator in <paramref name="domain"/> with the given output names.</summary>
    public IReadOnlyList<string> Node(
        string opType, IEnumerable<string> inputs, IReadOnlyList<string> outputs, string domain, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Domain = domain, Name = Unique(opType + "_node") };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    public string Initializer(string tensorName, ReadOnlySpan<float> values, params long[] dims) =>
        AddInitializer(tensorName, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), dims);

    public string Initializer(string tensorName, ReadOnlySpan<Half> values, params long[] dims) =>
        AddInitializer(tensorName, TensorProto.Types.DataType.Float16, MemoryMarshal.AsBytes(values), dims);

    public string Initializer(string tensorName, ReadOnlySpan<byte> values, params long[] dims) =>
        AddInitializer(tensorName, TensorProto.Types.DataType.Uint8, values, dims);

    public string Initializer(string tensorName, ReadOnlySpan<long> values, params long[] dims) =>
        AddInitializer(tensorName, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values), dims);

    /// <summary>A 1-D int64 constant, as shapes, axes and split sizes are passed to operators.</summary>
    public string Int64s(params long[] values) => Initializer(Unique("const_i64"), values, values.Length);

    /// <summary>A scalar int64 constant.</summary>
    public string Int64Scalar(long value) => Initializer(Unique("const_i64_scalar"), [value]);

    /// <summary>A scalar float constant.</summary>
    public string FloatScalar(float value) => Initializer(Unique("const_f32_scalar"), [value]);

    /// <summary>Declares a graph input; a dimension is an int (fixed) or a string (symbolic).</summary>
    public void Input(string valueName, TensorProto.Types.DataType type, params object[] dims) =>
        _graph.Input.Add(ValueInfo(valueName, type, dims));

    public void Output(string valueName, TensorProto.Types.DataType type, params object[] dims) =>
        _graph.Output.Add(ValueInfo(valueName, type, dims));

    /// <summary>Records the type and shape of an intermediate value, for readers and shape inference.</summary>
    public void Describe(string valueName, TensorProto.Types.DataType type, params object[] dims) =>
        _graph.ValueInfo.Add(ValueInfo(valueName, type, dims));

    public static ValueInfoProto ValueInfo(string valueName, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                long value => new TensorShapeProto.Types.Dimension { DimValue = value },
                _ => throw new ArgumentException($"Dimension {dim} of {valueName} is neither a size nor a symbol.", nameof(dims)),
            });
        }

        return new ValueInfoProto
        {
            Name = valueName,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    public static AttributeProto Attribute(string attributeName, long value) =>
        new() { Name = attributeName, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string attributeName, float value) =>
        new() { Name = attributeName, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string attributeName, long[] values)
    {
        var attribute = new AttributeProto { Name = attributeName, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>The <c>to</c> attribute of a <c>Cast</c> node.</summary>
    public static AttributeProto CastTo(TensorProto.Types.DataType type) => Attribute("to", (long)type);

    private string AddInitializer(string tensorName, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        var tensor = new TensorProto { Name = tensorName, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return tensorName;
    }

    public string Unique(string prefix)
    {
        var count = _nameCounts.GetValueOrDefault(prefix);
        _nameCounts[prefix] = count + 1;
        return string.Create(CultureInfo.InvariantCulture, $"/{prefix}_{count}");
    }
}
