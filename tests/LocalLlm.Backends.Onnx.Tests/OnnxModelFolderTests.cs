namespace LocalLlm.Backends.Onnx.Tests;

public sealed class OnnxModelFolderTests
{
    [Fact]
    public void IsModelFolder_FolderWithoutConfig_ReturnsFalse()
    {
        string folder = Directory.CreateTempSubdirectory("onnx-folder-").FullName;
        Assert.False(OnnxModelFolder.IsModelFolder(folder));
        File.WriteAllText(Path.Combine(folder, OnnxModelFolder.ConfigFileName), "{}");
        Assert.True(OnnxModelFolder.IsModelFolder(folder));
    }
}
