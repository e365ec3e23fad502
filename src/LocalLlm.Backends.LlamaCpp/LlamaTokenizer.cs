using System.Buffers;
using System.Text;
using LocalLlm.Backends.LlamaCpp.Native;
using LocalLlm.Engine.Backend;

namespace LocalLlm.Backends.LlamaCpp;

/// <summary>
/// <see cref="ITokenizer"/> over a model's llama.cpp vocabulary. Thread-safe (llama.cpp's tokenizer functions are),
/// so the server may tokenize while the engine loop decodes. Every native call holds a reference on the model handle,
/// so a concurrent dispose of the backend fails the call cleanly instead of freeing the vocabulary under it.
/// </summary>
internal sealed unsafe class LlamaTokenizer : ITokenizer
{
    private readonly SafeLlamaModelHandle _model;
    private readonly nint _vocab;

    // Lazily filled, one entry per token. Races only ever store equal arrays, so no lock is needed.
    private readonly byte[]?[] _pieces;
    private readonly byte[]?[] _specialPieces;
    private readonly bool[] _endOfGeneration;

    public LlamaTokenizer(SafeLlamaModelHandle model)
    {
        _model = model;
        _vocab = LlamaNative.llama_model_get_vocab(model);
        VocabularySize = LlamaNative.llama_vocab_n_tokens(_vocab);
        _pieces = new byte[]?[VocabularySize];
        _specialPieces = new byte[]?[VocabularySize];

        var bos = LlamaNative.llama_vocab_bos(_vocab);
        BosToken = bos.IsNull ? -1 : bos.Value;
        var eos = LlamaNative.llama_vocab_eos(_vocab);
        EosToken = eos.IsNull ? -1 : eos.Value;
        AddsBos = LlamaNative.llama_vocab_get_add_bos(_vocab);

        // One pass of cheap calls at load time keeps the per-token check on the decode path free of interop.
        _endOfGeneration = new bool[VocabularySize];
        for (var token = 0; token < VocabularySize; token++)
        {
            _endOfGeneration[token] = LlamaNative.llama_vocab_is_eog(_vocab, new LlamaToken(token));
        }
    }

    public int BosToken { get; }

    /// <summary>EOS token, or -1 when the vocabulary has none.</summary>
    public int EosToken { get; }

    /// <summary>Whether Tokenize with addSpecial puts BOS first.</summary>
    public bool AddsBos { get; }

    public int VocabularySize { get; }

    public int[] Tokenize(string text, bool addSpecial, bool parseSpecial)
    {
        ArgumentNullException.ThrowIfNull(text);
        var byteCount = Encoding.UTF8.GetByteCount(text);
        var utf8 = ArrayPool<byte>.Shared.Rent(Math.Max(byteCount, 1));
        try
        {
            var written = Encoding.UTF8.GetBytes(text, utf8);

            // Byte-level vocabularies never produce more tokens than bytes; a few extra slots cover BOS/EOS.
            var tokens = new LlamaToken[byteCount + 4];
            using var lease = new ModelLease(_model);
            fixed (byte* textPtr = utf8)
            {
                var count = TokenizeInto(textPtr, written, tokens, addSpecial, parseSpecial);
                if (count < 0)
                {
                    tokens = new LlamaToken[-count];
                    count = TokenizeInto(textPtr, written, tokens, addSpecial, parseSpecial);
                }

                if (count < 0)
                {
                    throw new LlamaException($"llama_tokenize failed for a text of {written} bytes (result {count}).");
                }

                return MemoryMarshal.Cast<LlamaToken, int>(tokens.AsSpan(0, count)).ToArray();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    public ReadOnlySpan<byte> TokenBytes(int token, bool renderSpecial = false)
    {
        if ((uint)token >= (uint)VocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token is outside the vocabulary [0, {VocabularySize}).");
        }

        var cache = renderSpecial ? _specialPieces : _pieces;
        return Volatile.Read(ref cache[token]) ?? (cache[token] = ComputePiece(token, renderSpecial));
    }

    public bool IsEndOfGeneration(int token) => (uint)token < (uint)_endOfGeneration.Length && _endOfGeneration[token];

    /// <summary>The text of <paramref name="tokens"/> as llama.cpp joins it (byte pieces are merged before decoding UTF-8).</summary>
    public string Detokenize(ReadOnlySpan<int> tokens, bool removeSpecial = false, bool renderSpecial = false)
    {
        if (tokens.IsEmpty)
        {
            return string.Empty;
        }

        using var lease = new ModelLease(_model);
        var buffer = new byte[Math.Max(tokens.Length * 8, 64)];
        fixed (int* tokenPtr = tokens)
        {
            var length = DetokenizeInto((LlamaToken*)tokenPtr, tokens.Length, buffer, removeSpecial, renderSpecial);
            if (length < 0)
            {
                buffer = new byte[-length];
                length = DetokenizeInto((LlamaToken*)tokenPtr, tokens.Length, buffer, removeSpecial, renderSpecial);
            }

            if (length < 0)
            {
                throw new LlamaException($"llama_detokenize failed for {tokens.Length} tokens (result {length}).");
            }

            return Encoding.UTF8.GetString(buffer, 0, length);
        }
    }

    private int TokenizeInto(byte* text, int length, LlamaToken[] tokens, bool addSpecial, bool parseSpecial)
    {
        fixed (LlamaToken* tokenPtr = tokens)
        {
            return LlamaNative.llama_tokenize(_vocab, text, length, tokenPtr, tokens.Length, addSpecial, parseSpecial);
        }
    }

    private int DetokenizeInto(LlamaToken* tokens, int count, byte[] buffer, bool removeSpecial, bool renderSpecial)
    {
        fixed (byte* bufferPtr = buffer)
        {
            return LlamaNative.llama_detokenize(_vocab, tokens, count, bufferPtr, buffer.Length, removeSpecial, renderSpecial);
        }
    }

    private byte[] ComputePiece(int token, bool renderSpecial)
    {
        using var lease = new ModelLease(_model);
        Span<byte> small = stackalloc byte[64];
        fixed (byte* smallPtr = small)
        {
            var length = LlamaNative.llama_token_to_piece(_vocab, new LlamaToken(token), smallPtr, small.Length, 0, renderSpecial);
            if (length >= 0)
            {
                return small[..length].ToArray();
            }

            var large = new byte[-length];
            fixed (byte* largePtr = large)
            {
                length = LlamaNative.llama_token_to_piece(_vocab, new LlamaToken(token), largePtr, large.Length, 0, renderSpecial);
            }

            return length == large.Length
                ? large
                : throw new LlamaException($"llama_token_to_piece returned {length} for token {token}, expected {large.Length}.");
        }
    }

    /// <summary>Keeps the model (and so the vocabulary) alive for the duration of a native call.</summary>
    private readonly ref struct ModelLease
    {
        private readonly SafeLlamaModelHandle _model;

        public ModelLease(SafeLlamaModelHandle model)
        {
            var added = false;
            model.DangerousAddRef(ref added);
            _model = model;
        }

        public void Dispose() => _model.DangerousRelease();
    }
}
