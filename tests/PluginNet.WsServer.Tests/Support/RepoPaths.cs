namespace PluginNet.WsServer.Tests.Support;

/// <summary>Paths inside the repository, found from the test's own folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>A plugin's built assembly, where the plugin build puts it (artifacts/plugins/FOLDER/).</summary>
    public static string PluginAssembly(string folder, string fileName)
    {
        var path = Path.Combine(Root, "artifacts", "plugins", folder, fileName);
        Assert.True(File.Exists(path), $"{path} is missing: build the plugin first");
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PluginNet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PluginNet.sln not found above " + AppContext.BaseDirectory);
    }
}
