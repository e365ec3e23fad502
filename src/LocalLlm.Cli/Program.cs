using System.CommandLine;
using LocalLlm.Cli.Commands;

var root = new RootCommand("localllm: tools for the LocalLlm inference server")
{
    ForgeCommand.Create(),
    BenchDecodeCommand.Create(),
    BenchEngineCommand.Create(),
    BenchCommand.Create(),
    EvalCommand.Create(),
    TemplateCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
