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
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/n/{i:int}", async context =>
        {
            var now = Interlocked.Increment(ref concurrent);
            InterlockedMax(ref peak, now);
            await Task.Yield();
            Interlocked.Decrement(ref concurrent);
            await context.Response.WriteAsync((string)context.Request.RouteValues["i"]!);
        }));
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
              net.http:get("{{server.Url("/n/7")}}", function(r) print("other", r.body) script.unload() end)
            end)
            """);
        var clock = Stopwatch.StartNew();
        var runner = await EngineRunner.StartAsync([flood, other]);

        await runner.InvokeAsync(e => e.FireEvent("go"));
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("other", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await runner.InvokeAsync(e => e.FireEvent("probe"));
        var progress = await runner.Output.WaitForPrintAsync(p => p.StartsWith("flood progress", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await runner.WaitForExitAsync(TimeSpan.FromSeconds(120));
        clock.Stop();

        Assert.Contains("other\t7", runner.Output.Prints);
        Assert.Contains("flood done\t10000", runner.Output.Prints);
        var doneWhenOtherAnswered = int.Parse(progress.Split('\t')[1], System.Globalization.CultureInfo.InvariantCulture);
        log.WriteLine($"10,000 requests in {clock.Elapsed.TotalSeconds:0.0} s ({10000 / clock.Elapsed.TotalSeconds:0} per s); peak concurrent at the server {peak}; the other script was answered after {doneWhenOtherAnswered} of the flood");
        Assert.True(doneWhenOtherAnswered < 5000, $"the other script waited for {doneWhenOtherAnswered} flood requests");
        Assert.InRange(peak, 1, 16 + 1); // the flood's per-script limit held (plus the other script's one)
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
