using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PluginNet.Bench;

/// <summary>
/// Time from the moment a local server writes an HTTP response to the moment the script's callback
/// runs on the menu thread, with the standalone host at 60 fps. Sequential requests, so each
/// callback finds an idle menu thread that must be woken by the completion, not by the next frame.
/// </summary>
internal static class HttpLatency
{
    public static async Task RunAsync(int count)
    {
        var responded = new long[count + 1];
        var called = new long[count + 1];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = builder.Build();
        app.Map("/r/{n:int}", async context =>
        {
            var n = int.Parse((string)context.Request.RouteValues["n"]!);
            responded[n] = Stopwatch.GetTimestamp();
            await context.Response.WriteAsync("ok");
        });
        await app.StartAsync();
        var url = app.Urls.First();

        await BenchEngine.RunAsync($$"""
            local n = 0
            local function next_request()
              n = n + 1
              if n > {{count}} then script.unload() return end
              net.http:get("{{url}}/r/" .. n, function(resp)
                bench.mark(n)
                next_request()
              end)
            end
            next_request()
            """, new MarkModule(called));

        // The first 10 warm up JIT and connections.
        var latencies = Enumerable.Range(11, count - 10)
            .Select(i => Stopwatch.GetElapsedTime(responded[i], called[i]).TotalMilliseconds)
            .Order()
            .ToArray();
        Console.WriteLine($"http-latency: server response -> Lua callback at 60 fps, {latencies.Length} sequential requests");
        Console.WriteLine($"  median {latencies[latencies.Length / 2]:0.000} ms, p99 {latencies[(int)(latencies.Length * 0.99)]:0.000} ms, worst {latencies[^1]:0.000} ms (a frame is 16.667 ms)");
    }
}
