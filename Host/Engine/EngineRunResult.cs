namespace PluginNet.Host.Engine;

/// <summary>Why <see cref="PluginNetEngine.Run"/> returned.</summary>
public enum EngineRunResult
{
    /// <summary>Every script unloaded itself (or none was loaded).</summary>
    AllScriptsUnloaded,

    /// <summary>The time limit ran out; every script was unloaded.</summary>
    TimedOut,

    /// <summary>A stop was requested (signal or <see cref="PluginNetEngine.RequestStop"/>); every script was unloaded.</summary>
    Stopped,
}
