using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LocalLlm.Backends.Onnx;

/// <summary>
/// The decoder's InferenceSession and one model run over caller-bound KV views. Checks at load that the graph has
/// the inputs and outputs genai_config.json names, and records the KV and logits element types it declares.
/// </summary>
internal sealed class OnnxModelSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly GenaiConfig _config;
    private readonly string[] _pastNames;
    private readonly string[] _presentNames;
    private readonly RunOptions _runOptions = new();

    public OnnxModelSession(string folder, GenaiConfig config, OnnxBackendOptions options)
    {
        _config = config;
        string modelPath = Path.Combine(folder, config.DecoderFileName);
        if (!File.Exists(modelPath))
        {
            throw new OnnxModelException($"genai_config.json: model.decoder.filename names '{config.DecoderFileName}', which is not in the model folder '{folder}'.");
        }

        using SessionOptions sessionOptions = OnnxSessionOptions.Create(options);
        try
        {
            _session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new OnnxModelException($"ONNX Runtime could not load '{modelPath}': {ex.Message}", ex);
        }

        try
        {
            _pastNames = Enumerable.Range(0, config.Layers).SelectMany(l => (string[])[config.PastKeyName(l), config.PastValueName(l)]).ToArray();
            _presentNames = Enumerable.Range(0, config.Layers).SelectMany(l => (string[])[config.PresentKeyName(l), config.PresentValueName(l)]).ToArray();
            foreach (string name in _pastNames.Append(config.InputIdsName).Append(config.AttentionMaskName))
            {
                RequireInput(name);
            }

            foreach (string name in _presentNames.Append(config.LogitsName))
            {
                RequireOutput(name);
            }

            HasPositionIds = _session.InputMetadata.ContainsKey(config.PositionIdsName);
            NodeMetadata past = _session.InputMetadata[_pastNames[0]];
            KvElementType = past.ElementDataType;
            FixedKvCapacity = past.Dimensions is [_, _, > 0 and var fixedLength, _] ? fixedLength : null;
            LogitsElementType = _session.OutputMetadata[config.LogitsName].ElementDataType;
            if (options.Device == OnnxDevice.Cuda)
            {
                var info = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default);
                Device = (new OrtAllocator(_session, info), info);
            }

            if (LogitsElementType is not (TensorElementType.Float or TensorElementType.Float16))
            {
                throw new OnnxModelException($"{config.DecoderFileName}: output '{config.LogitsName}' is {LogitsElementType}; logits must be float32 or float16.");
            }
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>The CUDA device's allocator and memory, where the KV buffers go; null on the CPU.</summary>
    public (OrtAllocator Allocator, OrtMemoryInfo Info)? Device { get; }

    /// <summary>Whether the graph takes explicit positions; without them attention derives positions from the mask.</summary>
    public bool HasPositionIds { get; }

    public TensorElementType KvElementType { get; }

    public TensorElementType LogitsElementType { get; }

    /// <summary>The KV buffers' position count when the graph fixes it; null when it is symbolic.</summary>
    public int? FixedKvCapacity { get; }

    /// <summary>
    /// One run of <paramref name="batch"/> rows of <paramref name="sequenceLength"/> tokens. The attention mask is
    /// [batch, maskWidth]; <paramref name="kvViews"/> (key then value per layer) are bound as past and present alike.
    /// <paramref name="readLogits"/> sees the logits [batch, sequenceLength, vocab] before they are released.
    /// </summary>
    public void Run(long[] inputIds, long[] positions, long[] mask, int batch, int sequenceLength, int maskWidth, OrtValue[] kvViews, Action<OrtValue> readLogits)
    {
        using OrtValue ids = OrtValue.CreateTensorValueFromMemory(inputIds, [batch, sequenceLength]);
        using OrtValue attention = OrtValue.CreateTensorValueFromMemory(mask, [batch, maskWidth]);
        using OrtValue? position = HasPositionIds ? OrtValue.CreateTensorValueFromMemory(positions, [batch, sequenceLength]) : null;
        using OrtIoBinding binding = _session.CreateIoBinding();
        binding.BindInput(_config.InputIdsName, ids);
        binding.BindInput(_config.AttentionMaskName, attention);
        if (position is not null)
        {
            binding.BindInput(_config.PositionIdsName, position);
        }

        binding.BindOutputToDevice(_config.LogitsName, OrtMemoryInfo.DefaultInstance);
        for (int i = 0; i < kvViews.Length; i++)
        {
            binding.BindInput(_pastNames[i], kvViews[i]);
            binding.BindOutput(_presentNames[i], kvViews[i]);
        }

        _session.RunWithBinding(_runOptions, binding);

        // Outputs come back in binding order, logits first; they live until the collection is disposed.
        using IDisposableReadOnlyCollection<OrtValue> outputs = binding.GetOutputValues();
        readLogits(outputs[0]);
    }

    public void Dispose()
    {
        if (Device is { } device)
        {
            device.Allocator.Dispose();
            device.Info.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
    }

    private void RequireInput(string name)
    {
        if (!_session.InputMetadata.ContainsKey(name))
        {
            throw new OnnxModelException($"{_config.DecoderFileName} has no input '{name}' (named in genai_config.json); its inputs are: {string.Join(", ", _session.InputMetadata.Keys)}.");
        }
    }

    private void RequireOutput(string name)
    {
        if (!_session.OutputMetadata.ContainsKey(name))
        {
            throw new OnnxModelException($"{_config.DecoderFileName} has no output '{name}' (named in genai_config.json); its outputs are: {string.Join(", ", _session.OutputMetadata.Keys)}.");
        }
    }
}
