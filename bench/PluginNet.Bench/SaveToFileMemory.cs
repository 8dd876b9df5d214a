using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PluginNet.Bench;

/// <summary>Peak managed heap and process memory while a script downloads a large body with save_to_file.</summary>
internal static class SaveToFileMemory
{
    public static async Task RunAsync(int megabytes)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        var chunk = new byte[1024 * 1024];
        Random.Shared.NextBytes(chunk);
        app.Map("/big", async context =>
        {
            context.Response.ContentLength = megabytes * 1024L * 1024;
            for (var i = 0; i < megabytes; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        await app.StartAsync();
        var downloads = Directory.CreateTempSubdirectory("pluginnet-bench-").FullName;

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heapBefore = GC.GetTotalMemory(true);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var rssBefore = self.WorkingSet64;
        long heapPeak = heapBefore, rssPeak = rssBefore;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(false));
                self.Refresh();
                rssPeak = Math.Max(rssPeak, self.WorkingSet64);
                await Task.Delay(2);
            }
        });

        await BenchEngine.RunAsync($$"""
            net.http:get("{{app.Urls.First()}}/big", { save_to_file = "big.bin", timeout = 120 }, function(resp)
              print("download", resp.status, resp.ok, resp.error)
              script.unload()
            end)
            """, new MarkModule(new long[1]), downloads);
        await stop.CancelAsync();
        await sampler;

        var size = new FileInfo(Path.Combine(downloads, "big.bin")).Length;
        Directory.Delete(downloads, true);
        Console.WriteLine($"save-to-file: {megabytes} MB body streamed to disk ({size / 1048576} MB written)");
        Console.WriteLine($"  managed heap peak +{(heapPeak - heapBefore) / 1048576.0:0.0} MB, process working set peak +{(rssPeak - rssBefore) / 1048576.0:0.0} MB over the baseline");
    }
}
