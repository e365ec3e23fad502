namespace LocalLlm.Backends.Onnx;

/// <summary>Where the model runs.</summary>
public enum OnnxDevice
{
    Cpu,

    /// <summary>ONNX Runtime's CUDA execution provider (needs the Microsoft.ML.OnnxRuntime.Gpu package's native libraries).</summary>
    Cuda,
}

/// <summary>How to load an ONNX model folder: one KV row of <see cref="SequenceLength"/> positions per sequence.</summary>
public sealed record OnnxBackendOptions
{
    /// <summary>The model folder (genai_config.json, model.onnx, tokenizer.json, tokenizer_config.json).</summary>
    public required string ModelPath { get; init; }

    /// <summary>Sequences decoded together; each owns one row of the KV buffers.</summary>
    public int MaxSequences { get; init; } = 8;

    /// <summary>
    /// Positions each row holds, which bounds one request's prompt plus completion; null uses the model's
    /// search.max_length (capped by its context_length). KV memory grows with MaxSequences × SequenceLength.
    /// </summary>
    public int? SequenceLength { get; init; }

    /// <summary>Most tokens one Decode call accepts.</summary>
    public int MaxBatchTokens { get; init; } = 512;

    /// <summary>Intra-op compute threads; null uses one per logical processor.</summary>
    public int? Threads { get; init; }

    /// <summary>Let idle compute threads spin between steps (faster on dedicated cores, wasteful on shared ones).</summary>
    public bool AllowSpinning { get; init; }

    public OnnxDevice Device { get; init; } = OnnxDevice.Cpu;

    /// <summary>How many recent accepted tokens repetition/frequency/presence penalties look at.</summary>
    public int PenaltyLastN { get; init; } = 64;

    internal int EffectiveThreads => Threads ?? Environment.ProcessorCount;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(ModelPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSequences, 1, nameof(MaxSequences));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchTokens, 1, nameof(MaxBatchTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(EffectiveThreads, 1, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfNegative(PenaltyLastN, nameof(PenaltyLastN));
        if (SequenceLength is int length)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(length, 1, nameof(SequenceLength));
        }
    }
}
