namespace PluginNet.Host.Transports;

/// <summary>
/// Which folders <c>srv:static</c> may serve: an existing folder inside the script's own folder or
/// the download folder, after following every symbolic link on the way (a link inside the script's
/// folder that points elsewhere does not count as inside). A relative path counts from the script's folder.
/// </summary>
internal static class StaticFolderRule
{
    /// <summary>The folder's resolved absolute path, or null and the reason it may not be served.</summary>
    public static string? Resolve(string requested, string scriptFolder, string downloadFolder, out string refusal)
    {
        refusal = "";
        string full;
        try
        {
            full = Path.GetFullPath(requested, scriptFolder);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            refusal = $"folder '{requested}' is not a valid path";
            return null;
        }

        var real = LinkFreePath.Resolve(full);
        if (real is null || !Directory.Exists(real))
        {
            refusal = $"folder '{requested}' does not exist (relative paths count from the script's folder {scriptFolder})";
            return null;
        }

        foreach (var root in new[] { scriptFolder, downloadFolder })
        {
            if (LinkFreePath.Resolve(Path.GetFullPath(root)) is { } allowed && LinkFreePath.IsInside(real, allowed))
            {
                return real;
            }
        }

        refusal = $"folder '{requested}' is outside the script's folder {scriptFolder} and the download folder {downloadFolder}; "
            + "serve a folder inside one of them";
        return null;
    }
}
