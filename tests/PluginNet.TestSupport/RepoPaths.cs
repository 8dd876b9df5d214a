namespace PluginNet.TestSupport;

/// <summary>Paths inside the repository, found from the test binaries.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PluginNet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PluginNet.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The default plugins.json.</summary>
    public static string PluginsJson => Path.Combine(Root, "plugins.json");

    /// <summary>A file under examples/.</summary>
    public static string Example(string name) => Path.Combine(Root, "examples", name);
}
