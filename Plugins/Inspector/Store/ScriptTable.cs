using PluginNet.Core.Observation;
using PluginNet.Core.Resources;

namespace PluginNet.Plugins.Inspector.Store;

/// <summary>
/// Each script's state and its open resources (its ledger, read live). One row per script name, so it
/// stays small; the scope is held weakly, so the inspector never keeps an unloaded script (or the plugins
/// its ledger entries point at) alive.
/// </summary>
internal sealed class ScriptTable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);

    public void Apply(ScriptObservation o)
    {
        lock (_gate)
        {
            if (!_rows.TryGetValue(o.Script, out var row))
            {
                row = new Row(o.Script);
                _rows[o.Script] = row;
            }

            row.Since = o.Kind == ScriptObservationKind.Error ? row.Since : o.At;
            switch (o.Kind)
            {
                case ScriptObservationKind.Loaded:
                    row.State = "loaded";
                    row.Scope = o.Scope is null ? null : new WeakReference<ScriptScope>(o.Scope);
                    break;
                case ScriptObservationKind.LoadFailed:
                    row.State = "failed";
                    row.Scope = null;
                    row.Errors++;
                    row.LastError = o.Message;
                    break;
                case ScriptObservationKind.Unloaded:
                    row.State = "unloaded";
                    row.Scope = null;
                    break;
                case ScriptObservationKind.Error:
                    row.Errors++;
                    row.LastError = o.Message;
                    break;
            }
        }
    }

    /// <summary>Every script with its resources as of now.</summary>
    public IReadOnlyList<ScriptView> Snapshot()
    {
        List<(Row Row, ScriptScope? Scope)> rows;
        lock (_gate)
        {
            rows = [.. _rows.Values.Select(r => (r, r.Scope is { } w && w.TryGetTarget(out var s) ? s : null))];
        }

        // The ledger has its own lock; read it outside ours.
        return [.. rows.Select(r => new ScriptView(
            r.Row.Name, r.Row.State, r.Row.Since, r.Row.Errors, r.Row.LastError,
            r.Scope is { IsActive: true } scope
                ? [.. scope.Ledger.Snapshot().Select(e => new ResourceView(e.Id, e.Kind.ToString(), e.PluginName, Describe(e), e.CreatedAt))]
                : []))];
    }

    private static string Describe(LedgerEntry entry)
    {
        try
        {
            return entry.Describe();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            return "(closing)";
        }
    }

    private sealed class Row(string name)
    {
        public string Name { get; } = name;

        public string State { get; set; } = "loading";

        public DateTimeOffset Since { get; set; }

        public int Errors { get; set; }

        public string? LastError { get; set; }

        public WeakReference<ScriptScope>? Scope { get; set; }
    }
}

internal sealed record ScriptView(string Name, string State, DateTimeOffset Since, int Errors, string? LastError, IReadOnlyList<ResourceView> Resources);

internal sealed record ResourceView(long Id, string Kind, string Plugin, string Description, DateTimeOffset Since);
