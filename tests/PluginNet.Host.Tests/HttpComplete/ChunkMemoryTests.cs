using Microsoft.AspNetCore.Builder;
using PluginNet.TestSupport;
using Xunit.Abstractions;

namespace PluginNet.Host.Tests.HttpComplete;

/// <summary>on_chunk keeps memory bounded: measured alone so the heap is this test's own.</summary>
[Collection(MeasuredAloneCollection.Name)]
public class ChunkMemoryTests(ITestOutputHelper log)
{
    [Fact]
    public async Task OnChunk_TenMegabytes_GrowsTheManagedHeapByLessThanTwoMegabytes()
    {
        const int megabytes = 10;
        await using var server = await TestHttpServer.StartAsync(app => app.Map("/large", async context =>
        {
            context.Response.ContentLength = megabytes * 1024L * 1024;
            var block = TestBytes.Pattern(64 * 1024);
            for (var i = 0; i < megabytes * 16; i++)
            {
                await context.Response.Body.WriteAsync(block, context.RequestAborted);
            }
        }));

        // One engine for both requests: the first loads the plugin, RestSharp and the connection code;
        // the second, started by a host event once the sampler runs, is the one measured.
        await using var runner = await EngineRunner.StartAsync([LuaScripts.Write($$"""
            local function fetch(tag)
              local size = 0
              net.http:get("{{server.Url("/large")}}", {
                timeout = 60,
                on_chunk = function(chunk) size = size + #chunk end,
              }, function(r)
                print(tag, r.status, r.ok, #r.body, size)
                if tag == "measured" then script.unload() end
              end)
            end
            fetch("warm-up")
            event.on("measure", function() fetch("measured") end)
            """)]);
        await runner.Output.WaitForPrintAsync(p => p.StartsWith("warm-up", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        using var sampler = new PeakMemorySampler();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        await runner.InvokeAsync(engine => engine.FireEvent("measure"));
        Assert.Equal(Engine.EngineRunResult.AllScriptsUnloaded, await runner.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var (baseline, peak) = sampler.Stop();
        var output = runner.Output;

        Assert.Equal($"measured\t200\ttrue\t0\t{megabytes * 1024 * 1024}", output.Prints[^1]);
        var growth = peak - baseline;
        log.WriteLine($"managed heap baseline {baseline / 1048576.0:0.00} MB, peak {peak / 1048576.0:0.00} MB (growth {growth / 1048576.0:0.00} MB); "
            + $"{allocated / 1048576.0:0.00} MB allocated in the whole process (server included) for a {megabytes} MB body through on_chunk");
        Assert.True(growth < 2 * 1024 * 1024, $"heap grew by {growth / 1048576.0:0.00} MB");
    }
}
