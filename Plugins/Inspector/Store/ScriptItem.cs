using PluginNet.Core.Observation;

namespace PluginNet.Plugins.Inspector.Store;

/// <summary>A script loaded, failed to load, raised an error or was unloaded.</summary>
internal sealed class ScriptItem(ScriptObservation o) : Item(o.Script, o.At)
{
    public override string Kind => "script";

    public ScriptObservationKind Event { get; } = o.Kind;

    public string? Message { get; } = o.Message;

    public string? Traceback { get; } = o.Traceback;

    public override long Cost => Overhead + 2L * ((Message?.Length ?? 0) + (Traceback?.Length ?? 0));
}
