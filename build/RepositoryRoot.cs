namespace PluginNet;

/// <summary>The repository root, found by walking up from the binaries' folder to PluginNet.sln.</summary>
/// <remarks>
/// One source file linked into the test support library and the bench harness (see their project
/// files), so the bench need not reference a test library to share it.
/// </remarks>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(() =>
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

    /// <summary>The full path of the repository root.</summary>
    public static string FullPath => Found.Value;
}
