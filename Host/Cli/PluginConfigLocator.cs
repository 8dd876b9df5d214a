namespace PluginNet.Host.Cli;

/// <summary>Finds the <c>plugins.json</c> to use when the command line names none.</summary>
internal static class PluginConfigLocator
{
    public const string FileName = "plugins.json";

    /// <summary>
    /// <c>plugins.json</c> in the current directory, else the nearest one above the executable's
    /// folder (the repository root when run with <c>dotnet run --project Host</c>), else null.
    /// </summary>
    public static string? Find()
    {
        var here = Path.GetFullPath(FileName);
        if (File.Exists(here))
        {
            return here;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
