using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Tasks;

/// <summary>Structured lifetime: unloading a script ends every task of it, with what each waits on.</summary>
public class TaskUnloadTests
{
    // Keeps the engine running (and its frames coming) after the tasks' script has gone.
    private static readonly string Keeper = LuaScripts.Write("""event.on("frame_update", function() end)""");

    [Fact]
    public async Task Unload_With100TasksWaitingOnRequestsSleepsAndWsReceives_NothingResumes_EverythingIsReleased()
    {
        await using var hanging = new RawHttpServer(hang: true);
        var (peer, port) = await NodePeer.StartServerAsync(new { });
        await using var _ = peer;
        var script = LuaScripts.Write($$"""
            local started = 0
            for i = 1, 40 do
              task.spawn(function()
                started = started + 1
                local resp = net.http:get("{{hanging.Url("/hang")}}?" .. i)
                print("RESUMED request", resp.error)
              end)
            end
            local function sleepers() -- started once every connection is open, so none is due before the unload
              for _ = 1, 30 do
                task.spawn(function()
                  started = started + 1
                  task.wait(3) -- long enough that none is due before the unload, even on a loaded machine
                  print("RESUMED sleep")
                end)
              end
            end
            local open = 0
            for _ = 1, 30 do
              task.spawn(function()
                local c = assert(net.ws:open("ws://127.0.0.1:{{port}}/feed"))
                open = open + 1
                started = started + 1
                if open == 30 then
                  sleepers()
                  print("all waiting", started)
                end
                print("RESUMED receive", c:receive())
              end)
            end
            net.http:get("{{hanging.Url("/callback")}}", function() print("CALLBACK RAN") end)
            event.on("frame_update", function() if started == 100 then print("FRAME AFTER UNLOAD?") started = -1 end end)
            """);
        await using var runner = await EngineRunner.StartAsync([script, Keeper]);
        await runner.Output.WaitForPrintAsync(p => p == "all waiting\t100", TaskRun.Within);
        for (var i = 0; i < 30; i++)
        {
            await peer.NextAsync("connection", TaskRun.Within);
        }

        var before = 0;
        await runner.InvokeAsync(e => before = e.Status().Single(s => s.Script == script).Resources.Count);
        await runner.InvokeAsync(e => Assert.True(e.UnloadScript(script)));
        await peer.CommandAsync(new { cmd = "send", data = Convert.ToBase64String("after unload"u8) });
        for (var i = 0; i < 30; i++)
        {
            await peer.NextAsync("close", TaskRun.Within); // every connection the tasks held was closed
        }

        await hanging.WaitForHangUpAsync(TaskRun.Within); // the tasks' requests were aborted
        await runner.InvokeAsync(e => e.WhenReleasedAsync().Wait(TaskRun.Within));
        var frame = 0L;
        await runner.InvokeAsync(e => frame = e.FrameCount);
        while (true)
        {
            var now = 0L;
            await runner.InvokeAsync(e => now = e.FrameCount);
            if (now > frame + 200)
            {
                break; // 200 frames (3.3 s at the default 60 fps) after the unload: the 3 s sleeps would have ended
            }

            await runner.Output.WaitForPrintAsync(_ => false, TimeSpan.FromMilliseconds(50)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        Assert.True(before >= 30 + 1, $"ledger before the unload: {before}"); // the ws connections and at least a request
        Assert.Equal(["all waiting\t100"], runner.Output.Prints.Where(p => !p.StartsWith("FRAME", StringComparison.Ordinal)));
        await runner.InvokeAsync(e => Assert.DoesNotContain(e.Status(), s => s.Script == script));
        Assert.Empty(TaskRun.Errors(runner.Output));
    }
}
