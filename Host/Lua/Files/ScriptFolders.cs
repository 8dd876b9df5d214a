namespace PluginNet.Host.Lua.Files;

/// <summary>
/// The folders a script's <c>io</c> and <c>os</c> may reach: its own folder, its data folder and the
/// download folder. A path is resolved (relative ones against the script's folder), every symbolic
/// link on it is followed, and the real path must lie inside one of the folders.
/// </summary>
internal sealed class ScriptFolders
{
    private const int MaxLinks = 40;
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string[] _roots;

    public ScriptFolders(string scriptFolder, string dataFolder, string downloadFolder)
    {
        ScriptFolder = Path.GetFullPath(scriptFolder);
        DataFolder = Path.GetFullPath(dataFolder);
        DownloadFolder = Path.GetFullPath(downloadFolder);
        _roots = [RealPath(ScriptFolder), RealPath(DataFolder), RealPath(DownloadFolder)];
    }

    public string ScriptFolder { get; }

    public string DataFolder { get; }

    public string DownloadFolder { get; }

    /// <summary>The real path to use for <paramref name="path"/>, or null with the reason it is refused.</summary>
    public string? Resolve(string path, out string refusal)
    {
        refusal = string.Empty;
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            refusal = "is not a file name";
            return null;
        }

        var real = RealPath(Path.GetFullPath(path, ScriptFolder));
        if (_roots.Any(root => Inside(real, root)))
        {
            if (Inside(real, _roots[1]))
            {
                Directory.CreateDirectory(DataFolder); // the data folder exists once a script uses it
            }

            return real;
        }

        refusal = real == Path.GetFullPath(path, ScriptFolder)
            ? "is outside the folders this script may use"
            : $"leads to {real} (through a symbolic link), outside the folders this script may use";
        return null;
    }

    private static bool Inside(string path, string root) =>
        path.Equals(root, PathComparison)
        || (path.StartsWith(root, PathComparison) && (root.EndsWith(Path.DirectorySeparatorChar) || path[root.Length] == Path.DirectorySeparatorChar));

    // The path with every symbolic link along it followed, as far as the path exists; the rest is kept.
    private static string RealPath(string full)
    {
        var links = 0;
        var current = Path.GetPathRoot(full) ?? string.Empty;
        var parts = new Queue<string>(full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        while (parts.TryDequeue(out var part))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.LinkTarget is { } target && ++links <= MaxLinks)
            {
                // Continue from the link's target: its own components may be links too.
                var resolved = Path.GetFullPath(target, current);
                var rest = parts.ToArray();
                current = Path.GetPathRoot(resolved) ?? string.Empty;
                parts = new Queue<string>(resolved[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                continue;
            }

            if (!info.Exists && info.LinkTarget is null)
            {
                return Path.Combine([current, part, .. parts]);
            }

            current = next;
        }

        return current;
    }
}
