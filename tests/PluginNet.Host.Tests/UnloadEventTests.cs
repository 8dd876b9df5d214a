using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>
/// Who hears <c>script_unloaded</c> and when (docs/API.md, Conventions and event.on), and that
/// <c>script.unload()</c> stops every later callback of the script.
/// </summary>
public class UnloadEventTests
{
    // Prints "<name> heard <file name>" for every script_unloaded it hears; prints "<name> ready".
    private static string Listener(string name) => LuaScripts.Write($$"""
        event.on("script_unloaded", function(e) print("{{name}} heard " .. e.script_path:match("[^/\\]+$")) end)
        print("{{name}} ready")
        """, $"{name}-{Guid.NewGuid():N}.lua");

    private static string Short(string path) => Path.GetFileName(path);

    [Theory]
    [InlineData("timeout")]
    [InlineData("quit")]
    [InlineData("TERM")]
    public async Task EndOfRun_TimeoutQuitOrSignal_EveryScriptHearsEveryUnload(string ending)
    {
        var (a, b, c) = (Listener("a"), Listener("b"), Listener("c"));
        await using var host = PluginNetProcess.Start(
            [a, b, c, "--timeout", ending == "timeout" ? "2" : "60"], console: ending == "quit");
        await host.WaitForLineAsync(l => l == "c ready");

        if (ending == "quit")
        {
            await host.SendAsync("quit");
        }
        else if (ending == "TERM")
        {
            await host.SignalAsync("TERM");
        }

        var code = await host.WaitForExitAsync();

        Assert.Equal(ending switch { "timeout" => 124, "quit" => 0, _ => 143 }, code);
        // Every unload, in load order, reaches every script, its own included.
        string[] expected = [.. new[] { a, b, c }.SelectMany(leaving => new[] { "a", "b", "c" }.Select(listener => $"{listener} heard {Short(leaving)}"))];
        Assert.Equal(expected, host.Stdout.Where(l => l.Contains(" heard ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("this is not lua")]
    [InlineData("event.on('script_unloaded', function() print('failed heard itself') end) error('top-level failure')")]
    public async Task LoadScript_FailsToLoad_NoScriptUnloadedForIt(string broken)
    {
        var a = Listener("a");
        var bad = LuaScripts.Write(broken);
        await using var runner = await EngineRunner.StartAsync([a]);

        await runner.InvokeAsync(e => Assert.False(e.LoadScript(bad)));
        await runner.InvokeAsync(e => e.UnloadScript(a));
        await runner.WaitForExitAsync();

        Assert.Equal(["a ready", $"a heard {Short(a)}"], runner.Output.Prints);
    }

    [Fact]
    public async Task ReloadScript_NewVersionFails_OthersHearTheUnloadAtMostOnce()
    {
        var a = Listener("a");
        var b = LuaScripts.Write("print('b v1')", $"b-{Guid.NewGuid():N}.lua");
        await using var runner = await EngineRunner.StartAsync([a, b]);

        await File.WriteAllTextAsync(b, "this is not lua");
        await runner.InvokeAsync(e => Assert.False(e.ReloadScript(b))); // does not compile: b v1 stays
        await runner.InvokeAsync(e => Assert.Equal([a, b], e.LoadedScripts));
        await File.WriteAllTextAsync(b, "error('top-level failure')");
        await runner.InvokeAsync(e => Assert.False(e.ReloadScript(b))); // compiles, fails running: b v1 was unloaded once
        await runner.InvokeAsync(e => e.UnloadScript(a));
        await runner.WaitForExitAsync();

        Assert.Equal(["a ready", "b v1", $"a heard {Short(b)}", $"a heard {Short(a)}"], runner.Output.Prints);
    }

    [Fact]
    public async Task ReloadScript_NewVersionWithByteOrderMarkAndShebang_CompilesAndIsReloaded()
    {
        var b = LuaScripts.Write("print('b v1')", $"b-{Guid.NewGuid():N}.lua");
        await using var runner = await EngineRunner.StartAsync([b]);

        await File.WriteAllBytesAsync(b, [0xEF, 0xBB, 0xBF, .. "#!/usr/bin/env lua\nprint('b v2') script.unload()"u8]);
        await runner.InvokeAsync(e => Assert.True(e.ReloadScript(b)));
        await runner.WaitForExitAsync();

        Assert.Equal(["b v1", "b v2"], runner.Output.Prints);
    }

    [Fact]
    public async Task ScriptUnload_InOneFrameHandler_LaterHandlersOfThatFrameDoNotRun()
    {
        var script = LuaScripts.Write("""
            event.on("frame_update", function() print("first") script.unload() print("rest of first") end)
            event.on("frame_update", function() print("second") end)
            event.on("script_unloaded", function() print("own unload") end)
            event.on("script_unloaded", function() print("own unload 2") end)
            """);
        await using var runner = await EngineRunner.StartAsync([script]);

        Assert.Equal(EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync());

        Assert.Equal(["first", "rest of first", "own unload", "own unload 2"], runner.Output.Prints);
    }

    [Fact]
    public async Task ScriptUnload_InAScriptUnloadedHandler_ItsLaterHandlersForThatEventDoNotRun()
    {
        var a = LuaScripts.Write("""
            event.on("frame_update", function() script.unload() end)
            """, $"a-{Guid.NewGuid():N}.lua");
        var b = LuaScripts.Write("""
            event.on("script_unloaded", function(e)
              if e.script_path ~= _SCRIPT_PATH then print("b heard a") script.unload() end
            end)
            event.on("script_unloaded", function(e)
              print("b second handler: " .. (e.script_path == _SCRIPT_PATH and "own" or "other"))
            end)
            """, $"b-{Guid.NewGuid():N}.lua");
        await using var runner = await EngineRunner.StartAsync([a, b]);

        Assert.Equal(EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync());

        Assert.Equal(["b heard a", "b second handler: own"], runner.Output.Prints);
    }
}
