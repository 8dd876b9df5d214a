namespace PluginNet.Core.Resources;

/// <summary>What a ledger entry is. The numeric order is the release order on unload.</summary>
public enum ResourceKind
{
    /// <summary>A listening WebSocket server: released first so no new clients arrive.</summary>
    Server = 0,

    /// <summary>An outgoing WebSocket connection.</summary>
    Connection = 1,

    /// <summary>An HTTP request whose callback has not run yet.</summary>
    PendingRequest = 2,
}

/// <summary>Why a resource is being released; decides whether the script is told.</summary>
public enum ReleaseReason
{
    /// <summary>The owning script is unloading: release silently, call nothing in the script.</summary>
    ScriptUnloaded,

    /// <summary>The plugin that serves the resource is unloading: the script stays and is told.</summary>
    PluginUnloaded,

    /// <summary>The whole host is stopping.</summary>
    HostStopping,
}
