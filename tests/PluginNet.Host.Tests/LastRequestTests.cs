using System.Diagnostics;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests;

/// <summary>
/// A script's last request (made with <c>script.unload()</c>, or from its own <c>script_unloaded</c>
/// handler) goes on the wire; its callback never runs; it lives at most 5 s after the unload; a plugin
/// unload still cancels it.
/// </summary>
public class LastRequestTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    // A second script keeps the engine running, so the request has to survive its own script's unload.
    private static readonly string Keeper = LuaScripts.Write("""event.on("frame_update", function() end)""");

    [Fact]
    public async Task RequestInTheSameCallbackAsUnload_ReachesTheServer_CallbackNeverRuns()
    {
        await using var server = new RawHttpServer();
        var script = LuaScripts.Write($$"""
            event.on("frame_update", function(e)
              if e.frame == 2 then
                net.http:post("{{server.Url("/bye")}}", "goodbye", "text/plain", function(r) print("CALLBACK RAN") end)
                script.unload()
              end
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script, Keeper]);

        var request = await server.NextAsync(Within);

        Assert.StartsWith("POST /bye ", request.RequestLine, StringComparison.Ordinal);
        Assert.Equal("goodbye"u8.ToArray(), request.Body);
        await WaitFramesAsync(runner, 10); // a callback queued for the unloaded script would have run by now
        Assert.Empty(runner.Output.Prints);
        Assert.Equal([Keeper], await LoadedAsync(runner));
    }

    [Fact]
    public async Task RequestFromOwnScriptUnloadedHandler_ReachesTheServer_CallbackNeverRuns()
    {
        await using var server = new RawHttpServer();
        var script = LuaScripts.Write($$"""
            event.on("script_unloaded", function(e)
              if e.script_path == _SCRIPT_PATH then
                net.http:request("{{server.Url("/telemetry")}}", "PUT", { body = "session over" }, function(r) print("CALLBACK RAN") end)
              end
            end)
            event.on("frame_update", function(e) if e.frame == 2 then script.unload() end end)
            """);
        await using var runner = await EngineRunner.StartAsync([script, Keeper]);

        var request = await server.NextAsync(Within);

        Assert.StartsWith("PUT /telemetry ", request.RequestLine, StringComparison.Ordinal);
        Assert.Equal("session over"u8.ToArray(), request.Body);
        await WaitFramesAsync(runner, 10);
        Assert.Empty(runner.Output.Prints);
    }

    [Fact]
    public async Task LastScriptUnloads_RunEndsOnlyAfterItsLastRequestWasSent()
    {
        // As `pluginnet run` does: the last script's unload ends the run, and the engine is disposed.
        await using var server = new RawHttpServer();
        var script = LuaScripts.Write($$"""
            net.http:get("{{server.Url("/last")}}", function(r) print("CALLBACK RAN") end)
            event.on("script_unloaded", function(e)
              net.http:get("{{server.Url("/from-handler")}}", function(r) print("CALLBACK RAN") end)
            end)
            script.unload()
            """);
        var runner = await EngineRunner.StartAsync([script]);
        await runner.WaitForExitAsync(Within);

        // The run has ended: whatever the server saw, it saw before.
        var seen = new List<string>();
        while (server.TryTake(out var request))
        {
            seen.Add(request!.RequestLine);
        }

        Assert.Equal(["GET /from-handler HTTP/1.1", "GET /last HTTP/1.1"], seen.Order(StringComparer.Ordinal));
        Assert.Empty(runner.Output.Prints);
    }

    [Fact]
    public async Task ServerNeverAnswers_RequestGivenUpAtMostFiveSecondsAfterUnload()
    {
        await using var server = new RawHttpServer(hang: true);
        var script = LuaScripts.Write($$"""
            event.on("frame_update", function(e)
              if e.frame == 2 then
                net.http:get("{{server.Url("/hang")}}", function(r) print("CALLBACK RAN") end, 60)
                script.unload()
              end
            end)
            """);
        await using var runner = await EngineRunner.StartAsync([script, Keeper]);
        await server.NextAsync(Within);
        var clock = Stopwatch.StartNew();

        await server.WaitForHangUpAsync(Within);

        // The 5 s bound rather than the script's own 60 s (the wait above gives up at 15 s).
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4), Within);
        Assert.Empty(runner.Output.Prints);
    }

    [Fact]
    public async Task ServerNeverAnswers_OwnShorterTimeoutStillApplies()
    {
        await using var server = new RawHttpServer(hang: true);
        var script = LuaScripts.Write($$"""
            net.http:get("{{server.Url("/hang")}}", function(r) print("CALLBACK RAN") end, 1)
            script.unload()
            """);
        await using var runner = await EngineRunner.StartAsync([script, Keeper]);
        var clock = Stopwatch.StartNew();
        await server.NextAsync(Within);

        await server.WaitForHangUpAsync(Within);

        // 1 s (its own timeout, counted from the call) rather than the 5 s that bound every last request:
        // the bound sits just under 5 s, which leaves a busy machine 3.5 s of room.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4.5));
    }

    [Fact]
    public async Task PluginUnload_CancelsAnUnloadedScriptsRequest_AndTheContextIsCollected()
    {
        await using var server = new RawHttpServer(hang: true);
        var script = LuaScripts.Write($$"""
            net.http:get("{{server.Url("/hang")}}", function(r) print("CALLBACK RAN") end, 60)
            script.unload()
            """);
        await using var runner = await EngineRunner.StartAsync([script, Keeper]);
        await server.NextAsync(Within);
        Assert.Equal([Keeper], await LoadedAsync(runner));

        var clock = Stopwatch.StartNew();
        Task<WeakReference>? unloading = null;
        await runner.InvokeAsync(e => unloading = e.UnloadPluginAsync("Http"));
        var context = await unloading!.WaitAsync(Within);
        await server.WaitForHangUpAsync(Within);

        // At once rather than after the 5 s that bound every last request: the bound sits just under 5 s.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4.5));
        Assert.True(await LoadContexts.CollectedAsync(context), "the Http plugin's load context is still alive after unload");
    }

    private static async Task<IReadOnlyList<string>> LoadedAsync(EngineRunner runner)
    {
        IReadOnlyList<string> loaded = [];
        await runner.InvokeAsync(e => loaded = e.LoadedScripts);
        return loaded;
    }

    private static async Task WaitFramesAsync(EngineRunner runner, long frames)
    {
        var start = 0L;
        await runner.InvokeAsync(e => start = e.FrameCount);
        var now = start;
        while (now < start + frames)
        {
            await runner.InvokeAsync(e => now = e.FrameCount);
        }
    }

}
