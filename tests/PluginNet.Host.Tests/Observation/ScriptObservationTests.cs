using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.Core.Observation;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Observation;

/// <summary>Script errors, loads and load failures of real scripts, as an attached observer hears them.</summary>
public class ScriptObservationTests : IAsyncLifetime
{
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestHttpServer.StartAsync(app => app.Map("/ok", context => context.Response.WriteAsync("fine")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CallbackError_ObserverHearsError_WithMessageLineAndTraceback_AsLogged()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write($$"""
            net.http:get("{{_server.Url("/ok")}}", function(r)
              net.http:get("{{_server.Url("/ok")}}", function() script.unload() end)
              local t = nil
              return t.field
            end)
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForExitAsync();

        var name = Path.GetFileName(script);
        Assert.Equal(
            [ScriptObservationKind.Loaded, ScriptObservationKind.Error, ScriptObservationKind.Unloaded],
            observer.Scripts.Select(s => s.Kind));
        var error = observer.Scripts.Single(s => s.Kind == ScriptObservationKind.Error);
        Assert.Equal(name, error.Script);
        Assert.Contains($"{name}:4: attempt to index a nil value", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("stack traceback:", error.Traceback, StringComparison.Ordinal);
        Assert.Contains($"{name}:4:", error.Traceback, StringComparison.Ordinal);

        // The observer hears what the log says, split in two.
        var logged = Assert.Single(runner.Output.Logs, l => l.Level == LogLevel.Error && l.Script == name);
        Assert.Equal(logged.Message, error.Message + "\n" + error.Traceback);
    }

    [Fact]
    public async Task Loaded_CarriesTheScope_WhoseLedgerListsWhatTheScriptOpened()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write("""
            local sock = net.udp:bind(0)
            print("port=" .. sock.port)
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForPortAsync(TimeSpan.FromSeconds(10));

        var loaded = Assert.Single(observer.Scripts, s => s.Kind == ScriptObservationKind.Loaded);
        Assert.NotNull(loaded.Scope);
        Assert.Equal(Path.GetFullPath(script), loaded.Scope.ScriptPath);
        Assert.Contains(loaded.Scope.Ledger.Snapshot(), r => r.Describe().StartsWith("udp 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TopLevelError_ObserverHearsErrorThenLoadFailedWithTheMessage()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write("error('broken on purpose')");

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForExitAsync();

        // What its top level opened is released afterwards: Unloaded follows.
        Assert.Equal([ScriptObservationKind.Error, ScriptObservationKind.LoadFailed, ScriptObservationKind.Unloaded], observer.Scripts.Select(s => s.Kind));
        var failed = observer.Scripts.ElementAt(1);
        Assert.Contains($"{Path.GetFileName(script)}:1: broken on purpose", failed.Message, StringComparison.Ordinal);
        Assert.StartsWith("stack traceback:", failed.Traceback, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyntaxError_LoadFailedSaysSo()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write("local = 1");

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForExitAsync();

        Assert.Equal([ScriptObservationKind.LoadFailed, ScriptObservationKind.Unloaded], observer.Scripts.Select(s => s.Kind));
        var failed = observer.Scripts.First();
        Assert.StartsWith("syntax error: ", failed.Message, StringComparison.Ordinal);
    }
}
