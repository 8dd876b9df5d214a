using System.Diagnostics;
using PluginNet.Host.Engine;
using PluginNet.TestSupport;
using PluginNet.WsClient.Tests.Infrastructure;
using PluginNet.WsClient.Tests.Transport;
using Xunit.Abstractions;

namespace PluginNet.WsClient.Tests.Lua;

/// <summary>Process-wide measurements through Lua; they run alone (see <see cref="LeakTests"/>'s collection).</summary>
[Collection(nameof(LeakTests))]
public sealed class WsLuaLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Connect_2000ReconnectsFromOnCloseInLua_ThreadsAndMemoryStayFlat()
    {
        var port = LoopbackPorts.Free();
        var keeper = LuaScripts.Write("""event.on("frame_update", function() end)""");
        await using var runner = await EngineRunner.StartAsync([keeper, LuaScripts.Write(ChainScript(port, 1_000))]);

        // Warm-up through the same path: JIT, the plugin, the socket engine and the pool settle first.
        var warmUp = await runner.Output.WaitForPrintAsync(p => p.StartsWith("done\t1000", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        await runner.InvokeAsync(_ => { });
        var before = ProcessResources.Measure();

        var clock = Stopwatch.StartNew();
        await runner.InvokeAsync(engine => Assert.True(engine.LoadScript(LuaScripts.Write(ChainScript(port, 2_000)))));
        var done = await runner.Output.WaitForPrintAsync(p => p.StartsWith("done\t2000", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        clock.Stop();
        await runner.InvokeAsync(_ => { });
        var after = ProcessResources.Measure();
        await runner.InvokeAsync(engine => engine.UnloadAllScripts());
        Assert.Equal(EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync());

        output.WriteLine($"warm-up script: {warmUp}");
        output.WriteLine($"measured script: {done}  (done, connects, refused errors, 1006 closes, Lua KB before, Lua KB after)");
        output.WriteLine($"2000 reconnects from on_close through Lua in {clock.ElapsedMilliseconds} ms");
        output.WriteLine($"process: {before} -> {after} (managed {(after.ManagedBytes - before.ManagedBytes) / 1024.0:+0;-0} KB)");

        Assert.Equal("done\t2000\t2000\t2000", string.Join('\t', done.Split('\t').Take(4)));
        Assert.Empty(LuaWs.Problems(runner.Output));
        Assert.True(after.ThreadsFlatSince(before), $"threads grew over 2,000 reconnects: {before} -> {after}"); // see ThreadGrowthAllowance
        Assert.InRange(after.ManagedBytes - before.ManagedBytes, long.MinValue, 2 * 1024 * 1024);
    }

    [Fact]
    public async Task Example_WsEcho_EchoesReconnectsAndReportsTheRoundTripRate()
    {
        await using var server = await TestWsServer.StartWebSocketAsync((ws, ct) => ServerSide.RunAsync(ws, new ServerLog(), echo: true, ct));
        await using var runner = await EngineRunner.StartAsync(
            [RepoPaths.Example("ws_echo.lua")],
            configure: engine => engine.AddModule(new LuaWs.Globals(("WS_ECHO_URL", server.Url))));

        // Time each run by the wall clock as its lines are printed (the script itself only has frames).
        const int runs = 5;
        var clock = Stopwatch.StartNew();
        var opened = Enumerable.Range(1, runs).Select(r => StampAsync(runner.Output, $"run {r} open", clock)).ToArray();
        var finished = Enumerable.Range(1, runs).Select(r => StampAsync(runner.Output, $"run {r} done:", clock)).ToArray();
        await Task.WhenAll(opened.Concat(finished));
        Assert.Equal(EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync());

        var messages = int.Parse(runner.Output.Prints.First(p => p.StartsWith("run 1 done:", StringComparison.Ordinal)).Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
        var rates = Enumerable.Range(0, runs).Select(i => messages / (finished[i].Result - opened[i].Result).TotalSeconds).ToList();
        foreach (var line in runner.Output.Prints)
        {
            output.WriteLine(line);
        }

        output.WriteLine($"wall clock per run: {string.Join(", ", rates.Select(r => $"{r:0}/s"))}; median {rates.Order().ElementAt(runs / 2):0} round trips/s");
        Assert.Contains(runner.Output.Prints, p => p.StartsWith("median of 5 runs:", StringComparison.Ordinal));
        Assert.Empty(LuaWs.Problems(runner.Output));
    }

    private static async Task<TimeSpan> StampAsync(RecordingOutput output, string prefix, Stopwatch clock)
    {
        await output.WaitForPrintAsync(p => p.StartsWith(prefix, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return clock.Elapsed;
    }

    // Connects to a closed port, and connects again from every on_close, like a script's retry loop.
    private static string ChainScript(int port, int total) => $$"""
        collectgarbage()
        local lua_before = collectgarbage("count")
        local connects, refused, closes = 0, 0, 0
        local function go()
          connects = connects + 1
          net.ws:connect("ws://127.0.0.1:{{port}}/", {
            on_open = function() log.error("unexpected open") end,
            on_error = function(_, err) if err:find("connection refused", 1, true) then refused = refused + 1 end end,
            on_close = function(_, code)
              if code == 1006 then closes = closes + 1 end
              if connects < {{total}} then
                go()
              else
                collectgarbage()
                print("done", connects, refused, closes, math.floor(lua_before), math.floor(collectgarbage("count")))
                script.unload()
              end
            end,
          })
        end
        go()
        """;
}
