namespace PluginNet.TestSupport;

/// <summary>Writes test scripts to a private temporary folder.</summary>
public static class LuaScripts
{
    private static readonly string Folder = Directory.CreateTempSubdirectory("pluginnet-tests-").FullName;

    /// <summary>Writes <paramref name="code"/> to a new .lua file and returns its absolute path.</summary>
    public static string Write(string code, string? name = null)
    {
        var path = Path.Combine(Folder, name ?? $"script-{Guid.NewGuid():N}.lua");
        File.WriteAllText(path, code);
        return path;
    }

    /// <summary>A fresh empty folder (for downloads).</summary>
    public static string NewFolder() => Directory.CreateDirectory(Path.Combine(Folder, Guid.NewGuid().ToString("N"))).FullName;
}
