using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LocalLlm.Server.Embeddings;

/// <summary>
/// One embedding as the request's encoding_format asks for it: a JSON array of numbers, or a base64 string of the
/// little-endian float32 bytes (what OpenAI sends, and what its SDKs ask for by default).
/// </summary>
[JsonConverter(typeof(EmbeddingVectorConverter))]
internal sealed class EmbeddingVector
{
    private EmbeddingVector(float[]? values, string? base64)
    {
        Values = values;
        Base64 = base64;
    }

    /// <summary>Set for the float encoding.</summary>
    public float[]? Values { get; }

    /// <summary>Set for the base64 encoding.</summary>
    public string? Base64 { get; }

    public static EmbeddingVector Floats(float[] values) => new(values, null);

    public static EmbeddingVector Base64Of(float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return new EmbeddingVector(null, Convert.ToBase64String(bytes));
    }
}

internal sealed class EmbeddingVectorConverter : JsonConverter<EmbeddingVector>
{
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Embedding vectors are only written.");

    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        if (value.Base64 is { } base64)
        {
            writer.WriteStringValue(base64);
            return;
        }

        writer.WriteStartArray();
        foreach (float x in value.Values!)
        {
            writer.WriteNumberValue(x);
        }

        writer.WriteEndArray();
    }
}
