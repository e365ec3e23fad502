using System.CommandLine;
using System.Globalization;
using LocalLlm.Backends.LlamaCpp;
using LocalLlm.ModelForge;

namespace LocalLlm.Cli.Commands;

/// <summary>`localllm forge`: writes a random-weight model of a preset shape, optionally quantized.</summary>
internal static class ForgeCommand
{
    public static Command Create()
    {
        var preset = new Option<string>("--preset") { Description = "test | test-llama | demo | bench100m", DefaultValueFactory = _ => "test" };
        var quant = new Option<string>("--quant") { Description = "none | f16 | q8_0 | q4_k_m", DefaultValueFactory = _ => "none" };
        var output = new Option<FileInfo>("--out") { Description = "Output .gguf path", Required = true };
        var command = new Command("forge", "Write a tiny random-weight GGUF model (meaningless output; for tests and benchmarks)") { preset, quant, output };
        command.SetAction(result =>
        {
            TinyModelSpec spec = Preset(result.GetValue(preset)!);
            string target = result.GetValue(output)!.FullName;
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

    private static LlamaFileType FileType(string name) => name switch
    {
        "f16" => LlamaFileType.MostlyF16,
        "q8_0" => LlamaFileType.MostlyQ8_0,
        "q4_k_m" => LlamaFileType.MostlyQ4_K_M,
        _ => throw new ArgumentException($"Unknown quantization '{name}': expected none, f16, q8_0 or q4_k_m."),
    };
}
