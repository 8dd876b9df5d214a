using PluginNet.Host.Output;
using PluginNet.Host.Plugins;

namespace PluginNet.Host.Engine;

// Reloading a plugin without a moment in which its transports are missing.
public sealed partial class PluginNetEngine
{
    /// <summary>
    /// Loads the current files of <paramref name="entry"/> beside the version that serves now, switches
    /// every transport over to the new version, and only then releases and unloads the old one, so a
    /// script's call always finds a transport. When the files are incomplete (a copy or a build still
    /// writing them) or the new version does not load, nothing changes and the previous version keeps
    /// serving. A plugin that is not loaded is simply loaded. Menu thread.
    /// </summary>
    public PluginReloadOutcome ReloadPlugin(PluginEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var old = Plugins.Find(entry.Name);
        var keeping = old is null ? string.Empty : "; the previous version keeps serving";
        if (PluginFiles.FindIncomplete(entry.AssemblyPath) is { } incomplete)
        {
            Options.Output.Log(LogLevel.Warn, null, $"plugin '{entry.Name}' not {(old is null ? "loaded" : "reloaded")} yet: {incomplete} (still being written?){keeping}");
            return PluginReloadOutcome.FilesIncomplete;
        }

        var fresh = Plugins.LoadSeparately(entry, out var problem);
        if (fresh is null)
        {
            Options.Output.Log(LogLevel.Error, null, $"plugin '{entry.Name}' not {(old is null ? "loaded" : "reloaded")} ({entry.AssemblyPath}): {problem}{keeping}");
            return PluginReloadOutcome.Failed;
        }

        Plugins.Replace(old, fresh);
        Transports.Rebuild(Plugins.Plugins);
        var serves = string.Join(", ", fresh.Serves().Select(k => k.Key));
        if (old is null)
        {
            Options.Output.Log(LogLevel.Info, null, $"plugin '{entry.Name}' loaded (serves {serves})");
            return PluginReloadOutcome.Loaded;
        }

        Options.Output.Log(LogLevel.Info, null, $"plugin '{entry.Name}' reloaded: the new version serves {serves} from now on; the previous one is being released and unloaded");
        LastRetirement = RetireAsync(old); // failures are logged there
        return PluginReloadOutcome.Reloaded;
    }

    /// <summary>The release and unload of the version replaced by the last reload; its weak reference lets a test prove the context is collected.</summary>
    internal Task<WeakReference>? LastRetirement { get; private set; }
}
