namespace LocalLlm.Backends.LlamaCpp.Native;

// Typed wrappers over llama.cpp's int32 typedefs. Each is a single int field, so it is blittable and has the
// exact size and alignment of the C typedef it stands for: they can be passed by value and used in native arrays.

/// <summary>llama_token: an index into the model's vocabulary; -1 (LLAMA_TOKEN_NULL) means none.</summary>
internal readonly record struct LlamaToken(int Value)
{
    public static readonly LlamaToken Null = new(-1);

    public bool IsNull => Value < 0;
}

/// <summary>llama_seq_id: a sequence of the context's memory, in [0, n_seq_max).</summary>
internal readonly record struct SeqId(int Value);

/// <summary>llama_pos: a position inside one sequence. A negative bound in memory ranges means "open end".</summary>
internal readonly record struct LlamaPos(int Value)
{
    public static readonly LlamaPos OpenEnd = new(-1);
}

/// <summary>C <c>bool</c> as the x86-64 ABI lays it out: one byte, zero or one.</summary>
/// <remarks>Used instead of <see cref="bool"/> in native structs because the runtime marshals bool as a 4-byte BOOL.</remarks>
[StructLayout(LayoutKind.Sequential, Size = 1)]
internal readonly struct CBool : IEquatable<CBool>
{
    private readonly byte _value;

    private CBool(bool value) => _value = value ? (byte)1 : (byte)0;

    public static implicit operator bool(CBool value) => value._value != 0;

    public static implicit operator CBool(bool value) => new(value);

    public static bool operator ==(CBool left, CBool right) => left.Equals(right);

    public static bool operator !=(CBool left, CBool right) => !left.Equals(right);

    public bool Equals(CBool other) => (_value != 0) == (other._value != 0);

    public override bool Equals(object? obj) => obj is CBool other && Equals(other);

    public override int GetHashCode() => _value != 0 ? 1 : 0;

    public override string ToString() => (_value != 0).ToString();
}
