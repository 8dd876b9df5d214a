using PluginNet.Host.Lua.Files;

namespace PluginNet.Host.Transports;

/// <summary>
/// Which folders <c>srv:static</c> may serve: an existing folder among those the script's <c>io</c>
/// may use (its own folder, its data folder, the download folder: <see cref="ScriptFolders"/>), after
/// following every symbolic link on the way. A relative path counts from the script's folder.
/// </summary>
internal static class StaticFolderRule
{
    /// <summary>The folder's real absolute path, or null and the reason it may not be served.</summary>
    public static string? Resolve(string requested, ScriptFolders folders, out string refusal)
    {
        if (folders.Resolve(requested, out var outside) is not { } real)
        {
            refusal = $"folder '{requested}' {outside} (its own folder {folders.ScriptFolder}, its data folder and the download folder)";
            return null;
        }

        if (!Directory.Exists(real))
        {
            refusal = $"folder '{requested}' does not exist (relative paths count from the script's folder {folders.ScriptFolder})";
            return null;
        }

        refusal = string.Empty;
        return real;
    }
}
