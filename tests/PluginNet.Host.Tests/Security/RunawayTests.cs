using System.Diagnostics;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security;

/// <summary>
/// The runaway guard (Host/Lua/Glue/prelude.lua): a callback still running after
/// <see cref="EngineOptions.CallbackTimeLimit"/> is aborted with an error naming script and line,
/// whatever it hides behind, and the menu thread and the other scripts go on.
/// </summary>
public class RunawayTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("plain", "while true do end")]
    [InlineData("pcall", "while true do pcall(function() while true do end end) end")]
    [InlineData("xpcall", "while true do xpcall(function() while true do end end, function(e) return e end) end")]
    [InlineData("xpcall-handler", "while true do xpcall(error, function() while true do end end) end")]
    [InlineData("coroutine", "coroutine.wrap(function() while true do end end)()")]
    [InlineData("resume", "while true do coroutine.resume(coroutine.create(function() while true do end end)) end")]
    [InlineData("metamethod", "local t = setmetatable({}, { __index = function() while true do end end }) while true do local _ = t.x end")]
    public async Task Callback_EndlessLoop_AbortedNamingScriptAndLineWhileOthersGoOn(string name, string loop)
    {
        var runaway = LuaScripts.Write($$"""
            event.on("frame_update", function(e)
              if e.frame == 2 then
                {{loop}}
              end
              if e.frame == 20 then print("runaway script still gets frames") end
            end)
            """, Unique($"runaway-{name}"));
        var healthy = LuaScripts.Write("""
            event.on("frame_update", function(e) if e.frame == 25 then print("healthy at frame 25") script.unload() end end)
            """);
        await using var runner = await EngineRunner.StartAsync([runaway, healthy]);

        await runner.Output.WaitForPrintAsync(p => p == "healthy at frame 25", Wait);
        await runner.Output.WaitForPrintAsync(p => p == "runaway script still gets frames", Wait);

        var error = Assert.Single(runner.Output.Logs, l => l.Level == LogLevel.Error);
        Assert.Equal(Path.GetFileName(runaway), error.Script);
        Assert.Contains($"{Path.GetFileName(runaway)}:3: callback aborted: still running after 250 ms (an endless loop?)", error.Message);
        Assert.StartsWith("error in event 'frame_update' handler:", error.Message);
    }

    [Fact]
    public async Task Callback_TimeLimitConfigured_AbortsAfterThatLimit()
    {
        var script = LuaScripts.Write("""
            event.on("frame_update", function(e)
              if e.frame == 2 then
                while true do end
              end
              if e.frame == 4 then script.unload() end
            end)
            """);
        var clock = Stopwatch.StartNew();
        var runner = await EngineRunner.StartAsync([script], options: o => o with { CallbackTimeLimit = TimeSpan.FromMilliseconds(100) });

        await runner.WaitForExitAsync(Wait);

        var error = Assert.Single(runner.Output.Logs, l => l.Level == LogLevel.Error);
        Assert.Contains(":3: callback aborted: still running after 100 ms", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task TopLevel_EndlessLoop_AbortedAndTheScriptNotLoaded()
    {
        var stuck = LuaScripts.Write("print('starting')\nwhile true do end\n", Unique("stuck"));
        var fine = LuaScripts.Write("""event.on("frame_update", function() print("fine") script.unload() end)""");

        var runner = await EngineRunner.StartAsync([stuck, fine]);
        await runner.WaitForExitAsync(Wait);

        Assert.Equal(["starting", "fine"], runner.Output.Prints);
        var error = Assert.Single(runner.Output.Logs, l => l.Level == LogLevel.Error);
        Assert.Contains($"{Path.GetFileName(stuck)}:2: callback aborted", error.Message);
    }

    [Fact]
    public async Task WsServerCallback_EndlessIndexMetamethodOnTheCallbacksTable_Aborted()
    {
        // The callbacks table is the script's own: looking up on_open runs its __index. Before the
        // lookup ran under the guard this froze the menu thread for good.
        var script = LuaScripts.Write("""
            local armed, looked_up = false, false
            local callbacks = setmetatable({}, { __index = function(_, key)
              if armed then looked_up = true while true do end end
            end })
            local srv = net.ws_server:listen(0, callbacks)
            armed = true
            net.ws:connect("ws://127.0.0.1:" .. srv.port .. "/", {})
            event.on("frame_update", function(e)
              -- One thread: once the lookup has started, it has also been aborted.
              if looked_up then print("frames go on") script.unload() end
            end)
            """, Unique("index"));

        var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync(Wait);

        Assert.Contains("frames go on", runner.Output.Prints);
        var error = Assert.Single(runner.Output.Logs, l => l.Level == LogLevel.Error && l.Message.Contains("on_open", StringComparison.Ordinal));
        Assert.Contains($"{Path.GetFileName(script)}:3: callback aborted: still running after 250 ms", error.Message);
    }

    [Fact]
    public async Task Require_Debug_CannotSwitchTheGuardOff()
    {
        var script = LuaScripts.Write("""
            local ok, d = pcall(require, "debug")
            if ok then d.sethook() end
            print("debug reachable", ok)
            event.on("frame_update", function(e)
              if e.frame == 2 then while true do end end
              if e.frame == 4 then script.unload() end
            end)
            """);

        var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync(Wait);

        Assert.Equal(["debug reachable\tfalse"], runner.Output.Prints);
        Assert.Contains(runner.Output.Logs, l => l.Level == LogLevel.Error && l.Message.Contains("callback aborted", StringComparison.Ordinal));
    }

    // Short: Lua cuts a chunk name past 60 characters from the front, and the message must keep the file name.
    // What the guard charges is the menu thread's processor time: a callback held up for 600 ms without
    // computing (here a host call that sleeps, as a callback waits for a core on a busy machine) is not an
    // endless loop.
    // - computing first (past the 10 ms a callback counts by the clock), then waiting, then computing
    //   again: the guard looks at it on both sides of the wait;
    // - waiting before its first instructions (a thread waiting for a core, a first call the runtime
    //   still compiles), then computing: the guard's first look comes late, and charging that whole wait
    //   by the clock aborted it as an endless loop.
    [Theory]
    [InlineData("spin(30) slow.block(600) spin(30)")]
    [InlineData("slow.block(600) spin(30)")]
    public async Task Callback_WaitingNotComputing_PastTheLimit_NotAborted(string body)
    {
        var script = LuaScripts.Write($$"""
            local function spin(ms) local t = os.clock() + ms / 1000 while os.clock() < t do end end
            event.on("frame_update", function(e)
              if e.frame == 2 then
                {{body}}
                print("finished after waiting")
              end
              if e.frame == 4 then script.unload() end
            end)
            """);

        await using var runner = await EngineRunner.StartAsync([script], configure: e => e.AddModule(new SlowModule()));
        await runner.WaitForExitAsync(Wait);

        Assert.True(runner.Output.Prints.SequenceEqual(["finished after waiting"]), runner.Output.Transcript);
        Assert.DoesNotContain(runner.Output.Logs, l => l.Level == LogLevel.Error);
    }

    /// <summary><c>slow.block(ms)</c>: keeps the calling (menu) thread for that long without using the processor.</summary>
    private sealed class SlowModule : ILuaModule
    {
        public void Install(LuaModuleContext script) =>
            script.RegisterFunction("slow.block", (long milliseconds) => Thread.Sleep(TimeSpan.FromMilliseconds(milliseconds)));
    }

    private static string Unique(string stem) => $"{stem}-{Guid.NewGuid().ToString("N")[..8]}.lua";
}
