namespace PluginNet.Core.Resources;

/// <summary>
/// What one script holds: pending requests, connections and servers, each tagged with its plugin.
/// Released in stages when the script unloads, or per plugin when a plugin unloads.
/// </summary>
/// <remarks>Thread-safe: transports remove entries from their own threads when a resource ends by itself.</remarks>
public sealed class ResourceLedger
{
    private static long s_nextId;
    private readonly Dictionary<long, LedgerEntry> _entries = [];
    private readonly Lock _gate = new();

    internal ResourceLedger(ScriptScope owner) => Owner = owner;

    /// <summary>The script this ledger belongs to.</summary>
    public ScriptScope Owner { get; }

    /// <summary>Number of entries held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Records a resource. <paramref name="release"/> must not throw and must not call into Lua.</summary>
    public LedgerEntry Add(ResourceKind kind, string pluginName, Func<string> describe, Func<ReleaseReason, Task> release)
    {
        var entry = new LedgerEntry(Interlocked.Increment(ref s_nextId), kind, pluginName, describe, release);
        lock (_gate)
        {
            _entries.Add(entry.Id, entry);
        }

        return entry;
    }

    /// <summary>Forgets a resource that ended by itself. Returns false when it was already gone.</summary>
    public bool Remove(LedgerEntry entry)
    {
        lock (_gate)
        {
            return _entries.Remove(entry.Id);
        }
    }

    /// <summary>The entries held now, in release order then age.</summary>
    public IReadOnlyList<LedgerEntry> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries.Values.OrderBy(e => e.Kind).ThenBy(e => e.Id)];
        }
    }

    /// <summary>
    /// Releases everything in stages — servers, then connections, then pending requests — each stage
    /// finishing before the next starts, so nothing new arrives while the rest is torn down.
    /// </summary>
    /// <remarks>Every entry is released even when one fails; the failures come back as one <see cref="AggregateException"/>.</remarks>
    public Task ReleaseAllAsync(ReleaseReason reason) => ReleaseAsync(_ => true, reason);

    /// <summary>Releases only the entries of one kind (one stage), e.g. the servers before anything else.</summary>
    public Task ReleaseKindAsync(ResourceKind kind, ReleaseReason reason) => ReleaseAsync(e => e.Kind == kind, reason);

    /// <summary>Releases, in the same stages, only what <paramref name="pluginName"/> serves.</summary>
    public Task ReleasePluginAsync(string pluginName, ReleaseReason reason) =>
        ReleaseAsync(e => string.Equals(e.PluginName, pluginName, StringComparison.Ordinal), reason);

    private async Task ReleaseAsync(Func<LedgerEntry, bool> select, ReleaseReason reason)
    {
        List<LedgerEntry> taken;
        lock (_gate)
        {
            taken = [.. _entries.Values.Where(select)];
            foreach (var entry in taken)
            {
                _entries.Remove(entry.Id);
            }
        }

        List<Exception>? failures = null;
        foreach (var stage in taken.GroupBy(e => e.Kind).OrderBy(g => g.Key))
        {
            var releases = stage.Select(e => ReleaseAsync(e, reason)).ToArray();
            try
            {
                await Task.WhenAll(releases).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Keep going: a failed release must not leave the later stages held.
                (failures ??= []).AddRange(releases.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions));
            }
        }

        if (failures is not null)
        {
            throw new AggregateException($"releasing resources of {Owner.Name} failed", failures);
        }
    }

    // Async so that a release that throws synchronously becomes a faulted task like any other.
    private static async Task ReleaseAsync(LedgerEntry entry, ReleaseReason reason) =>
        await entry.ReleaseOnceAsync(reason).ConfigureAwait(false);
}
