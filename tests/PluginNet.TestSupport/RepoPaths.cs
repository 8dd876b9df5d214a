namespace PluginNet.TestSupport;

/// <summary>Paths inside the repository, found from the test binaries.</summary>
public static class RepoPaths
{
    /// <summary>The repository root.</summary>
    public static string Root => RepositoryRoot.FullPath;

    /// <summary>The default plugins.json.</summary>
    public static string PluginsJson => Path.Combine(Root, "plugins.json");

    /// <summary>A file under examples/.</summary>
    public static string Example(string name) => Path.Combine(Root, "examples", name);
}
