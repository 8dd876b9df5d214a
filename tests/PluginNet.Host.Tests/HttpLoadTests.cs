using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;
using Xunit.Abstractions;

namespace PluginNet.Host.Tests;

/// <summary>One script flooding net.http neither starves another script nor loses a request.</summary>
[Collection(MeasuredAloneCollection.Name)]
public class HttpLoadTests(ITestOutputHelper log)
{
    [Fact]
    public async Task TenThousandQueued_OtherScriptServedEarlyAndNothingDropped()
    {
        var concurrent = 0;
        var peak = 0;

        // The flood's answers are held until the other script has been answered: then the other
        // script cannot have been served early by luck of timing, only because the flood's queue is its own.
        var otherAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestHttpServer.StartAsync(app =>
        {
            app.Map("/n/{i:int}", async context =>
            {
                var now = Interlocked.Increment(ref concurrent);
                InterlockedMax(ref peak, now);
                await otherAnswered.Task.WaitAsync(context.RequestAborted);
                Interlocked.Decrement(ref concurrent);
                await context.Response.WriteAsync((string)context.Request.RouteValues["i"]!);
            });
            app.Map("/other", context => context.Response.WriteAsync("7"));
        });
        var flood = LuaScripts.Write($$"""
            local done, ok, inorder = 0, 0, true
            for i = 1, 10000 do
              net.http:get("{{server.Url("/n/")}}" .. i, function(r)
                done = done + 1
                if r.ok and r.body == tostring(i) then ok = ok + 1 end
                if done == 10000 then print("flood done", ok) script.unload() end
              end, 60)
            end
            event.on("probe", function() print("flood progress", done) end)
            """);
        var other = LuaScripts.Write($$"""
            event.on("go", function()
              net.http:get("{{server.Url("/other")}}", function(r) print("other", r.body) script.unload() end)
            end)
            """);
        var clock = Stopwatch.StartNew();
        // The flood's main chunk makes 10,000 calls: on a busy machine that can take longer than the 250 ms
        // callback limit, which would abort the chunk (a guard this test is not about). It gets 60 s.
        var runner = await EngineRunner.StartAsync([flood, other], options: o => o with { CallbackTimeLimit = TimeSpan.FromSeconds(60) });

        await runner.InvokeAsync(e => e.FireEvent("go"));
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("other", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await runner.InvokeAsync(e => e.FireEvent("probe"));
        var progress = await runner.Output.WaitForPrintAsync(p => p.StartsWith("flood progress", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(runner.Output.Logs, l => l.Level == LogLevel.Error);
        otherAnswered.SetResult();
        await runner.WaitForExitAsync(TimeSpan.FromSeconds(120));
        clock.Stop();

        Assert.Contains("other\t7", runner.Output.Prints);
        Assert.Contains("flood done\t10000", runner.Output.Prints);
        var doneWhenOtherAnswered = int.Parse(progress.Split('\t')[1], System.Globalization.CultureInfo.InvariantCulture);
        log.WriteLine($"10,000 requests in {clock.Elapsed.TotalSeconds:0.0} s ({10000 / clock.Elapsed.TotalSeconds:0} per s); peak concurrent at the server {peak}; the other script was answered after {doneWhenOtherAnswered} of the flood");
        Assert.Equal(0, doneWhenOtherAnswered); // answered while the whole flood was still waiting
        Assert.InRange(peak, 1, 16); // the flood's per-script limit held
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
