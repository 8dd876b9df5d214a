using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.Core.Observation;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Observation;

/// <summary>An observer attached through EngineOptions hears a real script's life and its HTTP exchanges against Kestrel on 127.0.0.1.</summary>
public class HttpObservationTests : IAsyncLifetime
{
    private static readonly TimeSpan LateBy = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(20);

    private TestHttpServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/ok", context => context.Response.WriteAsync("fine"));
            app.Map("/missing", context =>
            {
                context.Response.StatusCode = 404;
                return context.Response.WriteAsync("nope");
            });
            app.Map("/moved", context =>
            {
                context.Response.Redirect("/ok");
                return Task.CompletedTask;
            });
            app.Map("/slow", context => Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));

            // The headers leave LateBy after the request arrived: the first byte is that late, the connection is not.
            app.Map("/late", async context =>
            {
                await Task.Delay(LateBy, context.RequestAborted);
                await context.Response.WriteAsync("late");
            });
        });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Observer_RealScript_HearsLifecycleAndEveryExchangeWithItsOutcome()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write($$"""
            local left = 4
            local function done() left = left - 1; if left == 0 then script.unload() end end
            net.http:get("{{_server.Url("/ok")}}", done)
            net.http:get("{{_server.Url("/missing")}}", done)
            net.http:get("{{_server.Url("/moved")}}", done)
            local slow = net.http:get("{{_server.Url("/slow")}}", done)
            net.http:get("{{_server.Url("/ok")}}", function() slow:cancel() end)
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForExitAsync();

        var finished = observer.Http.Where(h => h.Phase == HttpObservationPhase.Finished).ToList();
        Assert.Equal(5, finished.Count);
        Assert.Equal(5, observer.Http.Count(h => h.Phase == HttpObservationPhase.Started));
        var byPath = finished.GroupBy(h => h.Request.Url.AbsolutePath).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(byPath["/ok"], h => Assert.Equal(200, h.Result!.Status));
        Assert.Equal(404, Assert.Single(byPath["/missing"]).Result!.Status);
        var moved = Assert.Single(byPath["/moved"]);
        Assert.Equal((200, 1, "/ok"), (moved.Result!.Status, moved.Result.Redirects, moved.Result.FinalUrl!.AbsolutePath));
        var slow = Assert.Single(byPath["/slow"]);
        Assert.True(slow.Cancelled);
        Assert.Equal(0, slow.Result!.Status);
        Assert.All(finished, h =>
        {
            Assert.Equal(Path.GetFileName(script), h.Script);
            Assert.True(h.Duration >= h.Queued && h.Queued >= TimeSpan.Zero);
            Assert.Equal("GET", h.Request.Method);
        });
        Assert.Equal(
            [ScriptObservationKind.Loaded, ScriptObservationKind.Unloaded],
            observer.Scripts.Select(s => s.Kind));
    }

    [Fact]
    public async Task Observer_ScriptFailsToLoad_HearsLoadFailed()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write("error('broken on purpose')");

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForExitAsync();

        // The top level's error is heard first (as an Error with its traceback), then the failed load.
        Assert.Equal([ScriptObservationKind.Error, ScriptObservationKind.LoadFailed], observer.Scripts.Take(2).Select(s => s.Kind));
        Assert.DoesNotContain(observer.Scripts, s => s.Kind == ScriptObservationKind.Loaded);
    }

    [Fact]
    public async Task Timings_NewAndReusedConnection_AreOrdered_AndFirstByteWaitsForTheHeaders()
    {
        var observer = new ObservationRecorder();
        var script = LuaScripts.Write($$"""
            net.http:get("{{_server.Url("/ok")}}", function()
              net.http:get("{{_server.Url("/late")}}", function() script.unload() end)
            end)
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        await runner.WaitForExitAsync();

        var finished = observer.Http.Where(h => h.Phase == HttpObservationPhase.Finished).ToList();
        Assert.Equal(["/ok", "/late"], finished.Select(h => h.Request.Url.AbsolutePath));
        Assert.All(finished, h =>
        {
            Assert.True(h.Request.MeasureTimings); // asked for because an observer is attached
            var timings = h.Result!.Timings;
            Assert.NotNull(timings);
            Assert.True(
                TimeSpan.Zero <= timings.Connected && timings.Connected <= timings.FirstByte && timings.FirstByte <= h.Duration,
                $"{h.Request.Url.AbsolutePath}: connected {timings.Connected}, first byte {timings.FirstByte}, duration {h.Duration}");
        });
        // The server's timer may fire a little before the stopwatch reads LateBy (seen: 299.5 ms for 300 ms),
        // so the bound leaves it a few milliseconds.
        var late = finished[1].Result!.Timings!;
        Assert.True(late.FirstByte >= LateBy - TimerSlack, $"first byte {late.FirstByte}");

        // The second exchange reuses the first one's connection: it is ready long before the server answers.
        Assert.True(late.Connected < late.FirstByte - LateBy / 2, $"connected {late.Connected}, first byte {late.FirstByte}");
    }
}
