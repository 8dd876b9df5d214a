using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using PluginNet.TestSupport;
using Xunit.Abstractions;

namespace PluginNet.Host.Tests;

/// <summary>Reloading a script that holds a server, a client and a pending request releases all three every time.</summary>
[Collection(MeasuredAloneCollection.Name)]
public class ScriptReloadTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Reload_HundredTimesHoldingServerClientAndRequest_PortFreeAndNoGrowth()
    {
        var hanging = 0;
        await using var http = await TestHttpServer.StartAsync(app => app.Map("/hang", async context =>
        {
            Interlocked.Increment(ref hanging);
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            finally
            {
                Interlocked.Decrement(ref hanging);
            }
        }));
        var port = LoopbackPorts.Free();
        var script = LuaScripts.Write($$"""
            local srv = net.ws_server:listen({{port}}, {})
            if not srv then print("listen failed") return end
            net.http:get("{{http.Url("/hang")}}", function() print("LATE CALLBACK") end, 60)
            net.ws:connect("ws://127.0.0.1:{{port}}/", { on_open = function() print("ready", srv:client_count()) end })
            """);
        await using var runner = await EngineRunner.StartAsync([script]);
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        ProcessResources? before = null;

        const int reloads = 100;
        for (var i = 1; i <= reloads; i++)
        {
            if (i == 11)
            {
                before = ProcessResources.Measure();
            }

            var readyBefore = runner.Output.Prints.Count(p => p.StartsWith("ready", StringComparison.Ordinal));
            await runner.InvokeAsync(e => Assert.True(e.ReloadScript(script)));
            await WaitUntilAsync(() => runner.Output.Prints.Count(p => p.StartsWith("ready", StringComparison.Ordinal)) > readyBefore || runner.Output.Prints.Contains("listen failed"));
            Assert.DoesNotContain("listen failed", runner.Output.Prints);
        }

        await runner.InvokeAsync(e => e.UnloadScript(script));
        await runner.Engine.WhenReleasedAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => Volatile.Read(ref hanging) == 0);
        var after = ProcessResources.Measure();
        using var probe = new TcpListener(IPAddress.Loopback, port);
        probe.Start(); // the port is free once the script is gone

        log.WriteLine($"{reloads} reloads holding a server, a client and a pending request: from reload 10 to {reloads}: {before} -> {after}");
        Assert.DoesNotContain("LATE CALLBACK", runner.Output.Prints);
        Assert.InRange(after.Fds, 0, before!.Fds + 10);
        Assert.True(after.ThreadsFlatSince(before), $"threads grew over {reloads - 10} reloads: {before} -> {after}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(5); // polling a condition with a bounded deadline, not sleeping on hope
        }
    }
}
