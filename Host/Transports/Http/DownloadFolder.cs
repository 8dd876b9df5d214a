namespace PluginNet.Host.Transports;

/// <summary>Where <c>save_to_file</c> may write: only inside the host's download folder.</summary>
internal static class DownloadFolder
{
    /// <summary>
    /// Resolves <paramref name="requested"/> (relative: under the folder; absolute: must already be
    /// inside it). Returns null and a reason when the path escapes the folder or names no file.
    /// <paramref name="option"/> names what the path came from in the reason.
    /// </summary>
    public static string? Resolve(string folder, string requested, out string error, string option = "save_to_file")
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        string full;
        try
        {
            full = Path.IsPathRooted(requested) ? Path.GetFullPath(requested) : Path.GetFullPath(requested, root);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"{option} '{requested}' is not a valid path: {ex.Message}";
            return null;
        }

        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            error = $"{option} '{requested}' is outside the download folder {root}; give a path inside it (relative paths are resolved there)";
            return null;
        }

        if (full.Length == root.Length || Path.EndsInDirectorySeparator(requested))
        {
            error = $"{option} '{requested}' names a folder, not a file";
            return null;
        }

        error = string.Empty;
        return full;
    }
}
