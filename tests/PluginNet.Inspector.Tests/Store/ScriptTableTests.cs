using PluginNet.Core.Observation;
using PluginNet.Core.Resources;
using PluginNet.Plugins.Inspector.Store;
using static PluginNet.Inspector.Tests.Observations;

namespace PluginNet.Inspector.Tests.Store;

public sealed class ScriptTableTests
{
    [Fact]
    public void ALoadedScript_ListsItsLedgerLive_AndNothingOnceUnloaded()
    {
        var table = new ScriptTable();
        var scope = new ScriptScope("/mods/hud.lua");
        table.Apply(new ScriptObservation("hud.lua", ScriptObservationKind.Loaded, T0) { Scope = scope });
        Assert.Empty(Assert.Single(table.Snapshot()).Resources);

        var entry = scope.Ledger.Add(ResourceKind.Connection, "WsClient", () => "ws://127.0.0.1:9/ (open)", _ => Task.CompletedTask);
        var resource = Assert.Single(Assert.Single(table.Snapshot()).Resources);
        Assert.Equal(("Connection", "WsClient", "ws://127.0.0.1:9/ (open)"), (resource.Kind, resource.Plugin, resource.Description));

        scope.Ledger.Remove(entry);
        Assert.Empty(Assert.Single(table.Snapshot()).Resources);
        scope.Ledger.Add(ResourceKind.Server, "WsServer", () => "127.0.0.1:5000", _ => Task.CompletedTask);
        table.Apply(new ScriptObservation("hud.lua", ScriptObservationKind.Unloaded, T0));

        var row = Assert.Single(table.Snapshot());
        Assert.Equal("unloaded", row.State);
        Assert.Empty(row.Resources);
    }

    [Fact]
    public void Errors_AreCounted_WithTheLastMessage_AndTheScriptStaysLoaded()
    {
        var table = new ScriptTable();
        table.Apply(new ScriptObservation("a.lua", ScriptObservationKind.Loaded, T0));
        table.Apply(new ScriptObservation("a.lua", ScriptObservationKind.Error, T0) { Message = "a.lua:1: first" });
        table.Apply(new ScriptObservation("a.lua", ScriptObservationKind.Error, T0) { Message = "a.lua:2: second" });
        table.Apply(new ScriptObservation("b.lua", ScriptObservationKind.LoadFailed, T0) { Message = "b.lua:1: syntax" });

        var rows = table.Snapshot().ToDictionary(r => r.Name);
        Assert.Equal(("loaded", 2, "a.lua:2: second"), (rows["a.lua"].State, rows["a.lua"].Errors, rows["a.lua"].LastError));
        Assert.Equal(("failed", 1), (rows["b.lua"].State, rows["b.lua"].Errors));
    }

    [Fact]
    public void TheTable_HoldsAScriptsScopeOnlyWeakly()
    {
        var table = new ScriptTable();
        var weak = LoadAndForget(table);
        for (var i = 0; i < 5 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(weak.IsAlive, "the inspector keeps an unloaded script's scope (and its plugins) alive");
        Assert.Empty(Assert.Single(table.Snapshot()).Resources);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference LoadAndForget(ScriptTable table)
    {
        var scope = new ScriptScope("/mods/gone.lua");
        table.Apply(new ScriptObservation("gone.lua", ScriptObservationKind.Loaded, T0) { Scope = scope });
        return new WeakReference(scope);
    }
}
