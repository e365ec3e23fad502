using System.Globalization;

namespace LocalLlm.ModelForge.Gguf;

/// <summary>
/// One metadata value: a scalar or a homogeneous array of scalars. Arrays of arrays are not representable because
/// the reference reader rejects them. The payload is either a boxed scalar of the CLR type matching
/// <see cref="Type"/> or a CLR array whose element type matches <see cref="ElementType"/>.
/// </summary>
internal sealed class GgufValue : IEquatable<GgufValue>
{
    private GgufValue(GgufValueType type, GgufValueType elementType, object payload)
    {
        Type = type;
        ElementType = elementType;
        Payload = payload;
    }

    public GgufValueType Type { get; }

    /// <summary>Element type of an array; equal to <see cref="Type"/> for scalars.</summary>
    public GgufValueType ElementType { get; }

    public object Payload { get; }

    public bool IsArray => Type == GgufValueType.Array;

    public int ArrayLength => IsArray ? ((Array)Payload).Length : throw new InvalidOperationException("Not an array.");

    public static GgufValue UInt8(byte value) => Scalar(GgufValueType.UInt8, value);
    public static GgufValue Int8(sbyte value) => Scalar(GgufValueType.Int8, value);
    public static GgufValue UInt16(ushort value) => Scalar(GgufValueType.UInt16, value);
    public static GgufValue Int16(short value) => Scalar(GgufValueType.Int16, value);
    public static GgufValue UInt32(uint value) => Scalar(GgufValueType.UInt32, value);
    public static GgufValue Int32(int value) => Scalar(GgufValueType.Int32, value);
    public static GgufValue Float32(float value) => Scalar(GgufValueType.Float32, value);
    public static GgufValue Bool(bool value) => Scalar(GgufValueType.Bool, value);
    public static GgufValue String(string value) => Scalar(GgufValueType.String, value ?? throw new ArgumentNullException(nameof(value)));
    public static GgufValue UInt64(ulong value) => Scalar(GgufValueType.UInt64, value);
    public static GgufValue Int64(long value) => Scalar(GgufValueType.Int64, value);
    public static GgufValue Float64(double value) => Scalar(GgufValueType.Float64, value);

    public static GgufValue Array(byte[] values) => Arr(GgufValueType.UInt8, values);
    public static GgufValue Array(sbyte[] values) => Arr(GgufValueType.Int8, values);
    public static GgufValue Array(ushort[] values) => Arr(GgufValueType.UInt16, values);
    public static GgufValue Array(short[] values) => Arr(GgufValueType.Int16, values);
    public static GgufValue Array(uint[] values) => Arr(GgufValueType.UInt32, values);
    public static GgufValue Array(int[] values) => Arr(GgufValueType.Int32, values);
    public static GgufValue Array(float[] values) => Arr(GgufValueType.Float32, values);
    public static GgufValue Array(bool[] values) => Arr(GgufValueType.Bool, values);
    public static GgufValue Array(string[] values) =>
        System.Array.IndexOf(values, null) >= 0 ? throw new ArgumentException("Null string in array.", nameof(values)) : Arr(GgufValueType.String, values);
    public static GgufValue Array(ulong[] values) => Arr(GgufValueType.UInt64, values);
    public static GgufValue Array(long[] values) => Arr(GgufValueType.Int64, values);
    public static GgufValue Array(double[] values) => Arr(GgufValueType.Float64, values);

    /// <summary>Typed access for readers: the scalar payload, failing loudly on a type mismatch.</summary>
    public T As<T>() => Payload is T value && !IsArray
        ? value
        : throw new InvalidCastException($"Metadata value of type {Type}/{ElementType} is not a {typeof(T).Name}.");

    /// <summary>Typed access for readers: the array payload, failing loudly on a type mismatch.</summary>
    public T[] AsArray<T>() => IsArray && Payload is T[] values
        ? values
        : throw new InvalidCastException($"Metadata value of type {Type}/{ElementType} is not an array of {typeof(T).Name}.");

    public bool Equals(GgufValue? other)
    {
        if (other is null || other.Type != Type || other.ElementType != ElementType)
        {
            return false;
        }

        if (!IsArray)
        {
            return Payload.Equals(other.Payload);
        }

        var a = (Array)Payload;
        var b = (Array)other.Payload;
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!Equals(a.GetValue(i), b.GetValue(i)))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as GgufValue);

    public override int GetHashCode() => HashCode.Combine(Type, ElementType, IsArray ? ((Array)Payload).Length : Payload.GetHashCode());

    public override string ToString() => IsArray
        ? $"{ElementType}[{ArrayLength}]"
        : Convert.ToString(Payload, CultureInfo.InvariantCulture) ?? string.Empty;

    private static GgufValue Scalar(GgufValueType type, object value) => new(type, type, value);

    private static GgufValue Arr(GgufValueType elementType, Array values) =>
        new(GgufValueType.Array, elementType, values ?? throw new ArgumentNullException(nameof(values)));
}
