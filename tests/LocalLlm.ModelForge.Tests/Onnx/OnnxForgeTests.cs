using System.Text.Json;
using LocalLlm.ModelForge.Gguf;
using LocalLlm.ModelForge.Onnx;
using LocalLlm.ModelForge.Onnx.Proto;
using LocalLlm.ModelForge.Tokenization;
using DataType = LocalLlm.ModelForge.Onnx.Proto.TensorProto.Types.DataType;

namespace LocalLlm.ModelForge.Tests.Onnx;

/// <summary>The files of a forged ONNX model folder, read back and checked against the folder contract.</summary>
public sealed class OnnxForgeTests(ForgedModels models) : IClassFixture<ForgedModels>
{
    [Theory]
    [InlineData(TinyModelSpec.Qwen3, OnnxPrecision.Fp32)]
    [InlineData(TinyModelSpec.Llama, OnnxPrecision.Fp16)]
    [InlineData(TinyModelSpec.Qwen3, OnnxPrecision.Int8)]
    public void Write_ModelProto_ParsesWithContractInputsOutputsAndOpsets(string architecture, OnnxPrecision precision)
    {
        var spec = Spec(architecture);
        var folder = ForgeCache.GetOrCreateOnnx(spec, precision, models.CacheDirectory);

        var model = OnnxModelReader.Read(folder);

        Assert.Equal(10, model.IrVersion);
        Assert.Equal(21, model.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.Equal(1, model.OpsetImport.Single(o => o.Domain == "com.microsoft").Version);
        var kv = precision == OnnxPrecision.Fp16 ? DataType.Float16 : DataType.Float;
        var kvShape = $"batch_size,{spec.HeadCountKv},past_sequence_length,{spec.HeadDim}";
        var presentShape = $"batch_size,{spec.HeadCountKv},total_sequence_length,{spec.HeadDim}";
        var inputs = model.Graph.Input.ToDictionary(i => i.Name);
        Assert.Equal(3 + 2 * spec.BlockCount, inputs.Count);
        AssertValue(inputs["input_ids"], DataType.Int64, "batch_size,sequence_length");
        AssertValue(inputs["attention_mask"], DataType.Int64, "batch_size,total_sequence_length");
        AssertValue(inputs["position_ids"], DataType.Int64, "batch_size,sequence_length");
        var outputs = model.Graph.Output.ToDictionary(o => o.Name);
        Assert.Equal(1 + 2 * spec.BlockCount, outputs.Count);
        AssertValue(outputs["logits"], kv, $"batch_size,sequence_length,{spec.VocabularySize}");
        for (var layer = 0; layer < spec.BlockCount; layer++)
        {
            AssertValue(inputs[$"past_key_values.{layer}.key"], kv, kvShape);
            AssertValue(inputs[$"past_key_values.{layer}.value"], kv, kvShape);
            AssertValue(outputs[$"present.{layer}.key"], kv, presentShape);
            AssertValue(outputs[$"present.{layer}.value"], kv, presentShape);
        }

        var attention = model.Graph.Node.Where(n => n.OpType == "GroupQueryAttention").ToArray();
        Assert.Equal(spec.BlockCount, attention.Length);
        Assert.All(attention, node =>
        {
            Assert.Equal("com.microsoft", node.Domain);
            Assert.Equal(spec.HeadCount, node.Attribute.Single(a => a.Name == "num_heads").I);
            Assert.Equal(spec.HeadCountKv, node.Attribute.Single(a => a.Name == "kv_num_heads").I);
            Assert.Equal(0, node.Attribute.Single(a => a.Name == "do_rotary").I);
        });
        Assert.Equal(precision == OnnxPrecision.Int8 ? 7 * spec.BlockCount : 0, model.Graph.Node.Count(n => n.OpType == "MatMulNBits"));
    }

    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public void Write_Fp32Weights_EqualGgufTensorsTransposed(string architecture)
    {
        var spec = Spec(architecture);
        var folder = ForgeCache.GetOrCreateOnnx(spec, OnnxPrecision.Fp32, models.CacheDirectory);
        var model = OnnxModelReader.Read(folder);
        var gguf = GgufReader.Read(models.PathOf(architecture));

        foreach (var info in gguf.Tensors)
        {
            var expected = gguf.ReadTensorValues(info);
            var tensor = OnnxModelReader.Initializer(model, info.Name);
            var actual = OnnxModelReader.Floats(folder, tensor);
            if (info.Shape.Length == 2 && info.Name != "token_embd.weight")
            {
                // GGUF [out, in] row-major (ne0 = in) becomes ONNX [in, out].
                Assert.Equal([info.Shape[0], info.Shape[1]], tensor.Dims);
                actual = Transpose(actual, rows: (int)info.Shape[0], columns: (int)info.Shape[1]);
            }
            else
            {
                Assert.Equal(info.Shape.Reverse(), tensor.Dims);
            }

            Assert.Equal(expected, actual);
        }

        Assert.Contains(model.Graph.Initializer, t => t.DataLocation == TensorProto.Types.DataLocation.External);
        Assert.True(new FileInfo(Path.Combine(folder, OnnxModelFile.DataFileName)).Length > spec.ParameterCount * 4);
    }

    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public void Write_GenAiConfig_DescribesSpecAndContractNames(string architecture)
    {
        var spec = Spec(architecture);
        var vocabulary = Vocabulary(spec);
        var folder = ForgeCache.GetOrCreateOnnx(spec, OnnxPrecision.Fp32, models.CacheDirectory);

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "genai_config.json")));
        var model = config.RootElement.GetProperty("model");
        var decoder = model.GetProperty("decoder");

        Assert.Equal(architecture, model.GetProperty("type").GetString());
        Assert.Equal(vocabulary.BosId, model.GetProperty("bos_token_id").GetInt32());
        Assert.Equal(vocabulary.EosId, model.GetProperty("eos_token_id")[0].GetInt32());
        Assert.Equal(spec.VocabularySize, model.GetProperty("vocab_size").GetInt32());
        Assert.Equal(spec.ContextLength, model.GetProperty("context_length").GetInt32());
        Assert.Equal("model.onnx", decoder.GetProperty("filename").GetString());
        Assert.Equal(spec.HeadDim, decoder.GetProperty("head_size").GetInt32());
        Assert.Equal(spec.EmbeddingLength, decoder.GetProperty("hidden_size").GetInt32());
        Assert.Equal(spec.HeadCount, decoder.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(spec.BlockCount, decoder.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(spec.HeadCountKv, decoder.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal("past_key_values.%d.key", decoder.GetProperty("inputs").GetProperty("past_key_names").GetString());
        Assert.Equal("present.%d.value", decoder.GetProperty("outputs").GetProperty("present_value_names").GetString());
        Assert.True(config.RootElement.GetProperty("search").GetProperty("past_present_share_buffer").GetBoolean());
    }

    [Theory]
    [InlineData(TinyModelSpec.Qwen3)]
    [InlineData(TinyModelSpec.Llama)]
    public void Write_TokenizerFiles_HoldVocabularyMergesPatternAndTemplate(string architecture)
    {
        var spec = Spec(architecture);
        var vocabulary = Vocabulary(spec);
        var folder = ForgeCache.GetOrCreateOnnx(spec, OnnxPrecision.Fp32, models.CacheDirectory);

        using var tokenizer = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer.json")));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")));
        var root = tokenizer.RootElement;
        var bpe = root.GetProperty("model");
        var vocab = bpe.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        var added = root.GetProperty("added_tokens").EnumerateArray().ToArray();

        Assert.Equal("BPE", bpe.GetProperty("type").GetString());
        Assert.Equal(spec.VocabularySize, vocab.Count + added.Length);
        Assert.All(vocab, p => Assert.Equal(vocabulary.Tokens[p.Value], p.Key));
        Assert.Equal(vocabulary.Merges, bpe.GetProperty("merges").EnumerateArray().Select(m => m.GetString()));
        Assert.All(added, t => Assert.Equal(
            vocabulary.TokenTypes[t.GetProperty("id").GetInt32()] == TokenType.Control, t.GetProperty("special").GetBoolean()));
        Assert.Equal(
            PreTokenizer.Pattern(vocabulary.PreTokenizer),
            root.GetProperty("pre_tokenizer").GetProperty("pretokenizers")[0].GetProperty("pattern").GetProperty("Regex").GetString());
        Assert.Equal("ByteLevel", root.GetProperty("decoder").GetProperty("type").GetString());

        Assert.Equal(vocabulary.ChatTemplate, config.RootElement.GetProperty("chat_template").GetString());
        Assert.Equal(vocabulary.Tokens[vocabulary.BosId], config.RootElement.GetProperty("bos_token").GetString());
        Assert.Equal(vocabulary.Tokens[vocabulary.EosId], config.RootElement.GetProperty("eos_token").GetString());
        Assert.Equal(vocabulary.AddBos, config.RootElement.GetProperty("add_bos_token").GetBoolean());
    }

    internal static TinyModelSpec Spec(string architecture) => architecture == TinyModelSpec.Llama ? TinyModelSpec.TestLlama : TinyModelSpec.Test;

    private static ByteLevelBpeVocabulary Vocabulary(TinyModelSpec spec) => ByteLevelBpeVocabulary.Create(
        spec.Architecture == TinyModelSpec.Llama ? VocabularyStyle.Llama3 : VocabularyStyle.ChatMl, spec.VocabularySize);

    private static void AssertValue(ValueInfoProto value, DataType type, string shape)
    {
        Assert.Equal((int)type, value.Type.TensorType.ElemType);
        Assert.Equal(shape, OnnxModelReader.Shape(value));
    }

    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }

        return result;
    }
}
