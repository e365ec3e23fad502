using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using YamlDotNet.RepresentationModel;

namespace LocalLlm.Server.Tests.Observability;

/// <summary>docker/Dockerfile and deploy/kubernetes/localllm.yaml against the code they deploy.</summary>
[Collection(ServerCollection.Name)]
public sealed partial class DeploymentTests(ServerFixture server)
{
    private static readonly string Root = ServerProcess.RepositoryRoot();
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(Root, "docker", "Dockerfile"));
    private static readonly YamlMappingNode[] Manifest = LoadManifest();
    private static readonly string[] Probes = ["startupProbe", "livenessProbe", "readinessProbe"];

    [Fact]
    public async Task ProbePaths_OfManifestAndDockerfile_AreServedByTheServer()
    {
        YamlMappingNode container = Container();
        List<string> paths = Probes
            .Select(probe => Scalar(container, probe, "httpGet", "path"))
            .ToList();
        Assert.Equal(["/health/live", "/health/live", "/health/ready"], paths);

        Match healthcheck = HealthcheckUrl().Match(Dockerfile);
        Assert.True(healthcheck.Success, "the Dockerfile has a HEALTHCHECK on a local URL");
        paths.Add(healthcheck.Groups["path"].Value);
        paths.Add(Scalar(PodTemplate(), "metadata", "annotations", "prometheus.io/path"));
        paths.Add(Scalar(Document("ServiceMonitor"), "spec", "endpoints", "0", "path"));

        foreach (string path in paths)
        {
            using HttpResponseMessage response = await server.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public void Ports_ContainerServiceProbesAndScrape_MatchAspNetCoreUrls()
    {
        Match urls = Regex.Match(Dockerfile, @"^ENV ASPNETCORE_URLS=http://0\.0\.0\.0:(?<port>\d+)\s*$", RegexOptions.Multiline);
        Assert.True(urls.Success, "the runtime stage listens on all interfaces through ASPNETCORE_URLS");
        string port = urls.Groups["port"].Value;

        Assert.Matches($@"(?m)^EXPOSE {port}\s*$", Dockerfile);
        Assert.Equal(port, HealthcheckUrl().Match(Dockerfile).Groups["port"].Value);
        YamlMappingNode container = Container();
        Assert.Equal(port, Scalar(container, "ports", "0", "containerPort"));
        string portName = Scalar(container, "ports", "0", "name");
        Assert.All(Probes, probe => Assert.Equal(portName, Scalar(container, probe, "httpGet", "port")));
        Assert.Equal(portName, Scalar(Document("Service"), "spec", "ports", "0", "targetPort"));
        Assert.Equal(portName, Scalar(Document("ServiceMonitor"), "spec", "endpoints", "0", "port"));
        Assert.Equal(port, Scalar(PodTemplate(), "metadata", "annotations", "prometheus.io/port"));
    }

    [Fact]
    public void DrainTimeout_InManifest_IsBelowTheTerminationGracePeriod()
    {
        string[] args = Args();
        int drain = int.Parse(args[Array.IndexOf(args, "--drain-timeout") + 1], System.Globalization.CultureInfo.InvariantCulture);
        int grace = int.Parse(Scalar(PodTemplate(), "spec", "terminationGracePeriodSeconds"), System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(drain + 10 <= grace, $"--drain-timeout {drain} s leaves too little of the {grace} s grace period for shutdown");
        Assert.Matches(@"(?m)^STOPSIGNAL SIGTERM\s*$", Dockerfile);
    }

    [Fact]
    public void ManifestFlags_AreAllReadByTheServer()
    {
        string sources = File.ReadAllText(Path.Combine(Root, "src", "LocalLlm.Server", "Hosting", "ServerOptions.cs"))
            + File.ReadAllText(Path.Combine(Root, "src", "LocalLlm.Server", "Observability", "ServerLogging.cs"));
        HashSet<string> read = ConfigurationKey().Matches(sources).Select(m => m.Groups["key"].Value).ToHashSet(StringComparer.Ordinal);
        read.Add("urls");
        Assert.Contains("drain-timeout", read);

        string[] flags = Args().Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a[2..].Split('=')[0]).ToArray();
        Assert.NotEmpty(flags);
        Assert.All(flags, flag => Assert.Contains(flag, read));
    }

    [Fact]
    public void Dockerfile_PublishesTheServerProjectAndStartsItsAssembly()
    {
        Match publish = Regex.Match(Dockerfile, @"dotnet publish (?<project>\S+) -c Release -o (?<out>\S+)");
        Assert.True(publish.Success);
        string projectDirectory = Path.Combine(Root, publish.Groups["project"].Value);
        string csproj = Assert.Single(Directory.GetFiles(projectDirectory, "*.csproj"));
        XDocument project = XDocument.Load(csproj);
        Assert.Equal("Microsoft.NET.Sdk.Web", project.Root!.Attribute("Sdk")!.Value);
        string assembly = project.Descendants("AssemblyName").Single().Value;
        Assert.Equal(Path.GetFullPath(Path.Combine(Root, "src", "LocalLlm.Server")), Path.GetFullPath(projectDirectory));
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{publish.Groups["out"].Value}/{assembly}.dll\"]", Dockerfile, StringComparison.Ordinal);

        // The build fetches llama.cpp with npm; the demo needs models.yaml beside the server.
        Assert.Contains("npm pack", File.ReadAllText(Path.Combine(Root, "src", "LocalLlm.Backends.LlamaCpp", "build", "LlamaNative.targets")), StringComparison.Ordinal);
        Assert.Matches(@"apt-get install[^\n]* npm", Dockerfile);
        Assert.Contains($"cp models.yaml {publish.Groups["out"].Value}/models.yaml", Dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build", Dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0", Dockerfile);
        Assert.Matches(@"(?m)^USER (?!root)\w+", Dockerfile);
    }

    private static string[] Args() => ((YamlSequenceNode)Container().Children[new YamlScalarNode("args")]).Children.Select(n => ((YamlScalarNode)n).Value!).ToArray();

    private static YamlMappingNode PodTemplate() => (YamlMappingNode)Node(Document("Deployment"), "spec", "template");

    private static YamlMappingNode Container() => (YamlMappingNode)Node(PodTemplate(), "spec", "containers", "0");

    private static YamlMappingNode Document(string kind) => Assert.Single(Manifest, d => Scalar(d, "kind") == kind);

    private static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)Node(node, path)).Value!;

    private static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (string step in path)
        {
            node = node is YamlSequenceNode sequence
                ? sequence.Children[int.Parse(step, System.Globalization.CultureInfo.InvariantCulture)]
                : ((YamlMappingNode)node).Children[new YamlScalarNode(step)];
        }

        return node;
    }

    private static YamlMappingNode[] LoadManifest()
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(File.ReadAllText(Path.Combine(Root, "deploy", "kubernetes", "localllm.yaml"))))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToArray();
    }

    [GeneratedRegex(@"HEALTHCHECK[^\n]*\n?[^\n]*CMD curl -fsS http://127\.0\.0\.1:(?<port>\d+)(?<path>/\S*)")]
    private static partial Regex HealthcheckUrl();

    [GeneratedRegex("(?:configuration\\[|ReadInt\\(configuration, |GetValue<\\w+>\\()\"(?<key>[a-z][a-z0-9-]*)\"")]
    private static partial Regex ConfigurationKey();
}
