using System.Diagnostics;
using System.Globalization;
using LocalLlm.ModelForge.Gguf;
using LocalLlm.ModelForge.Tokenization;

namespace LocalLlm.ModelForge;

/// <summary>What <see cref="GgufForge.Write"/> produced.</summary>
public sealed record ForgedModel(string Path, TinyModelSpec Spec, long ParameterCount, long FileSizeBytes, TimeSpan Elapsed);

/// <summary>Writes random-weight GGUF models that llama.cpp loads like converted Qwen3 or Llama checkpoints.</summary>
public static class GgufForge
{
    /// <summary>
    /// Version of everything that determines the bytes of a forged file (layout, metadata, initialisation,
    /// tokenizer training). Bump it with any such change: it is part of the cache key, so old files are not reused.
    /// </summary>
    public const int FormatVersion = 1;

    private const int ChunkElements = 1 << 16;

    /// <summary>
    /// Writes <paramref name="spec"/> to <paramref name="path"/>, replacing any existing file. Tensor data is
    /// generated and streamed in chunks, so memory use does not grow with the model. The file is written under a
    /// temporary name in the same folder and renamed into place, so <paramref name="path"/> never holds a partial model.
    /// </summary>
    public static ForgedModel Write(TinyModelSpec spec, string path)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(path);
        spec.Validate();

        var stopwatch = Stopwatch.StartNew();
        var plan = ModelLayout.For(spec);
        var vocabulary = ByteLevelBpeVocabulary.Create(
            spec.Architecture == TinyModelSpec.Qwen3 ? VocabularyStyle.ChatMl : VocabularyStyle.Llama3, spec.VocabularySize);

        var fullPath = Path.GetFullPath(path);
        var temporary = TemporaryPath(fullPath);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            using (var writer = new GgufWriter(stream))
            {
                WriteModelMetadata(writer, spec);
                WriteTokenizerMetadata(writer, vocabulary);
                foreach (var tensor in plan)
                {
                    writer.AddTensor(tensor.Name, TensorType(spec, tensor), tensor.Shape);
                }

                writer.WriteHeader();
                var buffer = new float[ChunkElements];
                foreach (var tensor in plan)
                {
                    WriteValues(writer, spec, tensor, buffer);
                }

                writer.Finish();
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        path = fullPath;
        return new ForgedModel(path, spec, plan.Sum(t => t.ElementCount), new FileInfo(path).Length, stopwatch.Elapsed);
    }

    /// <summary>A unique sibling of <paramref name="path"/>; same folder, so the final rename is atomic.</summary>
    internal static string TemporaryPath(string path) =>
        string.Create(CultureInfo.InvariantCulture, $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    internal static GgmlType TensorType(TinyModelSpec spec, TensorPlan tensor) =>
        spec.WeightType == ForgeWeightType.F16 && !tensor.IsNorm ? GgmlType.F16 : GgmlType.F32;

    private static void WriteModelMetadata(GgufWriter writer, TinyModelSpec spec)
    {
        var arch = spec.Architecture;
        writer.AddString("general.architecture", arch);
        writer.AddString("general.type", "model");
        writer.AddString("general.name", spec.Name);
        writer.AddString("general.description", spec.Weights == ForgeWeights.Random
            ? string.Create(CultureInfo.InvariantCulture,
                $"Random-weight {arch} model written by LocalLlm.ModelForge (format {FormatVersion}, seed {spec.Seed}); its output is meaningless.")
            : string.Create(CultureInfo.InvariantCulture,
                $"{arch} model written by LocalLlm.ModelForge (format {FormatVersion}, seed {spec.Seed}) with embeddings and output head fitted to its synthetic corpus's bigrams; it continues text with that corpus's likeliest next tokens."));
        writer.AddUInt32("general.file_type", spec.WeightType == ForgeWeightType.F16 ? 1u : 0u);
        writer.AddUInt32("general.quantization_version", 2);

        writer.AddUInt32($"{arch}.block_count", (uint)spec.BlockCount);
        writer.AddUInt32($"{arch}.context_length", (uint)spec.ContextLength);
        writer.AddUInt32($"{arch}.embedding_length", (uint)spec.EmbeddingLength);
        writer.AddUInt32($"{arch}.feed_forward_length", (uint)spec.FeedForwardLength);
        writer.AddUInt32($"{arch}.attention.head_count", (uint)spec.HeadCount);
        writer.AddUInt32($"{arch}.attention.head_count_kv", (uint)spec.HeadCountKv);
        writer.AddUInt32($"{arch}.attention.key_length", (uint)spec.HeadDim);
        writer.AddUInt32($"{arch}.attention.value_length", (uint)spec.HeadDim);
        writer.AddFloat32($"{arch}.rope.freq_base", spec.RopeFreqBase);
        writer.AddFloat32($"{arch}.attention.layer_norm_rms_epsilon", spec.RmsEps);
        if (arch == TinyModelSpec.Llama)
        {
            // Llama checks that the rotary dimension equals the head size; Llama 3 files state both.
            writer.AddUInt32($"{arch}.vocab_size", (uint)spec.VocabularySize);
            writer.AddUInt32($"{arch}.rope.dimension_count", (uint)spec.HeadDim);
        }
    }

    private static void WriteTokenizerMetadata(GgufWriter writer, ByteLevelBpeVocabulary vocabulary)
    {
        writer.AddString("tokenizer.ggml.model", "gpt2");
        writer.AddString("tokenizer.ggml.pre", PreTokenizer.Name(vocabulary.PreTokenizer));
        writer.Add("tokenizer.ggml.tokens", GgufValue.Array([.. vocabulary.Tokens]));
        writer.Add("tokenizer.ggml.token_type", GgufValue.Array(vocabulary.TokenTypes.Select(t => (int)t).ToArray()));
        writer.Add("tokenizer.ggml.merges", GgufValue.Array([.. vocabulary.Merges]));
        writer.AddUInt32("tokenizer.ggml.eos_token_id", (uint)vocabulary.EosId);
        writer.AddUInt32("tokenizer.ggml.bos_token_id", (uint)vocabulary.BosId);
        if (vocabulary.PaddingId is { } padding)
        {
            writer.AddUInt32("tokenizer.ggml.padding_token_id", (uint)padding);
        }

        writer.AddBool("tokenizer.ggml.add_bos_token", vocabulary.AddBos);
        writer.AddString("tokenizer.chat_template", vocabulary.ChatTemplate);
    }

    private static void WriteValues(GgufWriter writer, TinyModelSpec spec, TensorPlan tensor, float[] buffer)
    {
        var values = new TensorValues(spec, tensor);
        for (var remaining = tensor.ElementCount; remaining > 0;)
        {
            var count = (int)Math.Min(remaining, buffer.Length);
            var chunk = buffer.AsSpan(0, count);
            values.Next(chunk);
            writer.WriteTensorData(chunk);
            remaining -= count;
        }
    }
}
