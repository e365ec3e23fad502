using System.Text.Json.Nodes;
using LocalLlm.Engine.Backend;
using LocalLlm.ModelForge;

namespace LocalLlm.Backends.Onnx.Tests;

/// <summary>Reading model folders: the contract's variants load, and every defect is reported with its file and field.</summary>
public sealed class OnnxModelFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("onnx-folder-").FullName;

    public OnnxModelFolderTests()
    {
        string source = TestModels.OnnxFolder(TinyModelSpec.Qwen3);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void IsModelFolder_FolderWithoutConfig_ReturnsFalse()
    {
        string empty = Directory.CreateTempSubdirectory("onnx-empty-").FullName;
        Assert.False(OnnxModelFolder.IsModelFolder(empty));
        Assert.True(OnnxModelFolder.IsModelFolder(_folder));
        Directory.Delete(empty);
    }

    [Fact]
    public void Read_ForgeFolder_ReadsContractFields()
    {
        OnnxModelDescription model = OnnxModelFolder.Read(_folder);

        Assert.Equal("qwen3", model.Genai.ModelType);
        Assert.Equal(TinyModelSpec.Test.BlockCount, model.Genai.Layers);
        Assert.Equal("past_key_values.1.value", model.Genai.PastValueName(1));
        Assert.Equal("present.0.key", model.Genai.PresentKeyName(0));
        Assert.True(model.Genai.EosTokenIds.Count >= 1);
        Assert.Contains("im_start", model.TokenizerConfig.ChatTemplate);
        Assert.Equal(false, model.TokenizerConfig.AddBosToken);
    }

    [Fact]
    public void Read_EosAsSingleInteger_IsAccepted()
    {
        Edit("genai_config.json", root => root["model"]!["eos_token_id"] = 7);

        Assert.Equal([7], OnnxModelFolder.Read(_folder).Genai.EosTokenIds);
    }

    [Fact]
    public void Read_NoGenaiConfig_NamesTheFile()
    {
        File.Delete(Path.Combine(_folder, "genai_config.json"));

        Assert.Contains("genai_config.json is missing", Assert.Throws<OnnxModelException>(() => OnnxModelFolder.Read(_folder)).Message);
    }

    [Fact]
    public void Read_MissingHeadSize_NamesFileAndField()
    {
        Edit("genai_config.json", root => root["model"]!["decoder"]!.AsObject().Remove("head_size"));

        Assert.Equal("genai_config.json: model.decoder.head_size is missing.", Assert.Throws<OnnxModelException>(() => OnnxModelFolder.Read(_folder)).Message);
    }

    [Fact]
    public void Read_EosOfWrongType_NamesFileAndField()
    {
        Edit("genai_config.json", root => root["model"]!["eos_token_id"] = "two");

        Assert.Contains("genai_config.json: model.eos_token_id must be an integer", Assert.Throws<OnnxModelException>(() => OnnxModelFolder.Read(_folder)).Message);
    }

    [Fact]
    public void Read_SeparatePastAndPresentBuffers_AreUnsupported()
    {
        Edit("genai_config.json", root => root["search"]!["past_present_share_buffer"] = false);

        string message = Assert.Throws<OnnxModelException>(() => OnnxModelFolder.Read(_folder)).Message;
        Assert.StartsWith("genai_config.json: search.past_present_share_buffer is not supported", message);
    }

    [Fact]
    public void Read_PerLayerNameWithoutIndex_NamesField()
    {
        Edit("genai_config.json", root => root["model"]!["decoder"]!["inputs"]!["past_key_names"] = "past_key");

        Assert.Contains("model.decoder.inputs.past_key_names must be a name with %d", Assert.Throws<OnnxModelException>(() => OnnxModelFolder.Read(_folder)).Message);
    }

    [Fact]
    public void Read_EncoderSection_IsUnsupported()
    {
        Edit("genai_config.json", root => root["model"]!["vision"] = new JsonObject { ["filename"] = "vision.onnx" });

        Assert.Contains("model.vision is not supported", Assert.Throws<OnnxModelException>(() => OnnxModelFolder.Read(_folder)).Message);
    }

    [Fact]
    public void Read_NoTokenizerJson_NamesTheFile()
    {
        File.Delete(Path.Combine(_folder, "tokenizer.json"));

        Assert.Contains("tokenizer.json is missing", Assert.Throws<OnnxModelException>(() => OnnxModelFolder.Read(_folder)).Message);
    }

    [Fact]
    public void Read_UnigramTokenizer_IsUnsupported()
    {
        Edit("tokenizer.json", root => root["model"]!["type"] = "Unigram");

        Assert.Contains("tokenizer.json: model.type is not supported: 'Unigram'", Assert.Throws<OnnxModelException>(() => OnnxModelFolder.Read(_folder)).Message);
    }

    [Theory]
    [InlineData("NFC", null)]
    [InlineData("Lowercase", "tokenizer.json: normalizer.type is not supported: 'Lowercase'")]
    public void Read_Normalizer_AcceptsNfcOnly(string type, string? expected)
    {
        Edit("tokenizer.json", root => root["normalizer"] = new JsonObject { ["type"] = type });

        if (expected is null)
        {
            Assert.NotNull(OnnxModelFolder.Read(_folder).Tokenizer);
        }
        else
        {
            Assert.Contains(expected, Assert.Throws<OnnxModelException>(() => OnnxModelFolder.Read(_folder)).Message);
        }
    }

    [Fact]
    public void Read_TokenizerConfigVariants_ReadNamedTemplateAndTokenObjects()
    {
        Edit("tokenizer_config.json", root =>
        {
            root["chat_template"] = new JsonArray(
                new JsonObject { ["name"] = "tool_use", ["template"] = "tools" },
                new JsonObject { ["name"] = "default", ["template"] = "plain" });
            root["bos_token"] = new JsonObject { ["content"] = "<|im_start|>" };
        });

        TokenizerConfig config = OnnxModelFolder.Read(_folder).TokenizerConfig;

        Assert.Equal("plain", config.ChatTemplate);
        Assert.Equal("<|im_start|>", config.BosToken);
    }

    [Fact]
    public void Load_DecoderFileMissing_NamesIt()
    {
        Edit("genai_config.json", root => root["model"]!["decoder"]!["filename"] = "decoder.onnx");

        string message = Assert.Throws<OnnxModelException>(() => Load(OnnxDevice.Cpu)).Message;
        Assert.Contains("model.decoder.filename names 'decoder.onnx'", message);
    }

    [Fact]
    public void Load_GraphWithoutNamedInput_ListsItsInputs()
    {
        Edit("genai_config.json", root => root["model"]!["decoder"]!["inputs"]!["attention_mask"] = "mask");

        Assert.Contains("has no input 'mask'", Assert.Throws<OnnxModelException>(() => Load(OnnxDevice.Cpu)).Message);
    }

    [Fact]
    public void Load_CudaWithoutCudaProvider_SaysWhichPackageIsNeeded()
    {
        string message = Assert.Throws<OnnxModelException>(() => Load(OnnxDevice.Cuda)).Message;

        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", message);
        Assert.Contains("libonnxruntime_providers_cuda", message);
    }

    [Fact]
    public void CreateSampler_Grammar_ThrowsNotSupportedNamingLlamaCpp()
    {
        using OnnxBackend backend = Load(OnnxDevice.Cpu);

        var error = Assert.Throws<NotSupportedException>(() => backend.CreateSampler(new SamplingParams { Grammar = "root ::= \"a\"" }));
        Assert.Contains("llama.cpp backend", error.Message);
    }

    private OnnxBackend Load(OnnxDevice device) =>
        OnnxBackend.Load(new OnnxBackendOptions { ModelPath = _folder, MaxSequences = 1, SequenceLength = 16, Threads = 1, Device = device });

    private void Edit(string file, Action<JsonNode> change)
    {
        string path = Path.Combine(_folder, file);
        JsonNode root = JsonNode.Parse(File.ReadAllText(path))!;
        change(root);
        File.WriteAllText(path, root.ToJsonString());
    }
}
