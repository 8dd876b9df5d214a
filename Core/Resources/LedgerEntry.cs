namespace PluginNet.Core.Resources;

/// <summary>One resource a script holds, with the plugin that serves it and how to release it.</summary>
public sealed class LedgerEntry
{
    private readonly Func<ReleaseReason, Task> _release;
    private readonly Func<string> _describe;
    private int _released;

    internal LedgerEntry(
        long id, ResourceKind kind, string pluginName, Func<string> describe, Func<ReleaseReason, Task> release)
    {
        Id = id;
        Kind = kind;
        PluginName = pluginName;
        _describe = describe;
        _release = release;
        CreatedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>Ledger-wide unique id.</summary>
    public long Id { get; }

    /// <summary>What the resource is.</summary>
    public ResourceKind Kind { get; }

    /// <summary>Name of the plugin (from <c>plugins.json</c>) whose transport serves this resource.</summary>
    public string PluginName { get; }

    /// <summary>When the script acquired it.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>A live one-line description (URL, peer, port and client count) for status listings.</summary>
    public string Describe() => _describe();

    /// <summary>Runs the release once; later calls return a completed task.</summary>
    internal Task ReleaseOnceAsync(ReleaseReason reason) =>
        Interlocked.Exchange(ref _released, 1) == 0 ? _release(reason) : Task.CompletedTask;
}
