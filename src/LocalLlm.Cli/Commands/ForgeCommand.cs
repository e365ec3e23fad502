using System.CommandLine;
using System.Globalization;
using LocalLlm.Backends.LlamaCpp;
using LocalLlm.ModelForge;
using LocalLlm.ModelForge.Onnx;

namespace LocalLlm.Cli.Commands;

/// <summary>`localllm forge`: writes a random-weight model of a preset shape, optionally quantized.</summary>
internal static class ForgeCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = string.Join(" | ", TinyModelPresets.Names) + " (*-fitted: weights fitted to the forge's corpus)", DefaultValueFactory = _ => "test" };
        var quant = new Option<string>("--quant") { Description = "none | f16 | q8_0 | q4_k_m", DefaultValueFactory = _ => "none" };
        var format = new Option<string>("--format") { Description = "gguf | onnx (a model folder: model.onnx, genai_config.json, tokenizer.json)", DefaultValueFactory = _ => "gguf" };
        var precision = new Option<string>("--precision") { Description = "ONNX only: fp32 | fp16 | int8", DefaultValueFactory = _ => "fp32" };
        var output = new Option<FileInfo>("--out") { Description = "Output .gguf path (ONNX: output folder)", Required = true };
        var command = new Command("forge", "Write a tiny random-weight model, GGUF or ONNX (meaningless output; for tests and benchmarks)") { preset, quant, format, precision, output };
        command.SetAction(result =>
        {
            TinyModelSpec spec = Preset(result.GetValue(preset)!);
            string target = result.GetValue(output)!.FullName;
            if (result.GetValue(format)!.Equals("onnx", StringComparison.OrdinalIgnoreCase))
            {
                OnnxPrecision onnxPrecision = OnnxPrecisionNamed(result.GetValue(precision)!);
                OnnxForge.Write(spec, target, onnxPrecision);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"forged {spec.Name} as ONNX {onnxPrecision}: {FolderBytes(target) / 1e6:F1} MB"));
                Console.WriteLine(target);
                return 0;
            }

            string quantization = result.GetValue(quant)!.ToLowerInvariant();
            string raw = quantization == "none" ? target : target + ".f32.tmp";
            ForgedModel forged = GgufForge.Write(spec, raw);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forged {spec.Name}: {forged.ParameterCount:N0} parameters, {forged.FileSizeBytes / 1e6:F1} MB in {forged.Elapsed.TotalSeconds:F1} s"));
            if (quantization != "none")
            {
                LlamaQuantizer.Quantize(raw, target, FileType(quantization));
                File.Delete(raw);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"quantized to {quantization}: {new FileInfo(target).Length / 1e6:F1} MB"));
            }

            Console.WriteLine(target);
            return 0;
        });
        return command;
    }

    internal static TinyModelSpec Preset(string name) => TinyModelPresets.Find(name);

    private static OnnxPrecision OnnxPrecisionNamed(string name) => name.ToLowerInvariant() switch
    {
        "fp32" => OnnxPrecision.Fp32,
        "fp16" => OnnxPrecision.Fp16,
        "int8" => OnnxPrecision.Int8,
        _ => throw new ArgumentException($"Unknown ONNX precision '{name}': expected fp32, fp16 or int8."),
    };

    private static long FolderBytes(string folder) => new DirectoryInfo(folder).EnumerateFiles().Sum(f => f.Length);

    private static LlamaFileType FileType(string name) => name switch
    {
        "f16" => LlamaFileType.MostlyF16,
        "q8_0" => LlamaFileType.MostlyQ8_0,
        "q4_k_m" => LlamaFileType.MostlyQ4_K_M,
        _ => throw new ArgumentException($"Unknown quantization '{name}': expected none, f16, q8_0 or q4_k_m."),
    };
}
