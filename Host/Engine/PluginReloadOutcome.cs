namespace PluginNet.Host.Engine;

/// <summary>What <see cref="PluginNetEngine.ReloadPlugin"/> did.</summary>
public enum PluginReloadOutcome
{
    /// <summary>The plugin was not loaded; now it is.</summary>
    Loaded,

    /// <summary>The new version serves from now on; the previous one is being released and unloaded.</summary>
    Reloaded,

    /// <summary>A file in the plugin's folder is not a complete assembly yet (still being written); nothing changed.</summary>
    FilesIncomplete,

    /// <summary>The new version could not be loaded (the log says why); the previous version, if any, keeps serving.</summary>
    Failed,
}
