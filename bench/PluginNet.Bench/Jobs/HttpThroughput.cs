using System.Diagnostics;
using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// HTTP GETs per second with 64 requests in flight against a local Kestrel server in its own
/// process: one Lua script with <c>net.http</c> in the real engine (each callback starts the next
/// request), and raw <see cref="HttpClient"/> with 64 concurrent loops in this C# process.
/// </summary>
/// <remarks>
/// The engine limits a script to <c>EngineOptions.MaxConcurrentRequestsPerScript</c> (16) requests on
/// the wire; this measure raises it to 64 in the bench's engine options, so one script has 64 in flight.
/// </remarks>
internal static class HttpThroughput
{
    private const int InFlight = 64;

    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var count = settings.Count(20_000, 200);
        var warmup = settings.Count(2_000, 100);
        await using var server = PeerProcess.Self("serve-http");
        var url = await server.WaitForLineAsync("ready ", TimeSpan.FromSeconds(30));
        Console.WriteLine($"http-throughput: {count} GETs after {warmup} to warm up, {InFlight} in flight, Kestrel at {url} (own process)");

        var ours = new List<double>();
        var peer = new List<double>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            ours.Add(await LuaRateAsync(url, count, warmup));
            peer.Add(await HttpClientRateAsync(url, count, warmup));
            Console.WriteLine($"  run {run}: net.http {ours[^1]:0} /s, HttpClient {peer[^1]:0} /s");
        }

        var (o, p) = (Stats.Median(ours), Stats.Median(peer));
        results.Add(new ResultRow(
            $"HTTP GET/s, {InFlight} in flight, local Kestrel (net.http, one script, per-script limit raised to {InFlight})",
            $"{o:0} /s",
            $"{p:0} /s (raw HttpClient)",
            $"{o / p:0.00}×",
            "≥ 0.9×",
            o / p >= 0.9));
    }

    private static async Task<double> LuaRateAsync(string url, int count, int warmup)
    {
        var probe = new Probe();
        await BenchEngine.RunAsync($$"""
            local url, total = "{{url}}", {{warmup + count}}
            local started, done = 0, 0
            local on_response
            local function issue()
              started = started + 1
              net.http:get(url, on_response)
            end
            on_response = function(resp)
              if not resp.ok or #resp.body ~= 12 then
                log.error("http-throughput: " .. resp.status .. " " .. resp.error)
              end
              done = done + 1
              if done == {{warmup}} then bench.mark(0) end
              if done == total then
                bench.mark(1)
                script.unload()
              elseif started < total then
                issue()
              end
            end
            for _ = 1, {{InFlight}} do issue() end
            """, [probe], o => o with { MaxConcurrentRequestsPerScript = InFlight });
        return count / (probe.Between(0, 1) / 1000);
    }

    private static async Task<double> HttpClientRateAsync(string url, int count, int warmup)
    {
        using var client = new HttpClient();
        var total = warmup + count;
        int started = 0, done = 0;
        long t0 = 0, t1 = 0;
        async Task Loop()
        {
            while (Interlocked.Increment(ref started) <= total)
            {
                using var response = await client.GetAsync(url);
                var body = await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode || body.Length != 12)
                {
                    await Console.Error.WriteLineAsync($"http-throughput: HttpClient got {(int)response.StatusCode}");
                }

                var n = Interlocked.Increment(ref done);
                if (n == warmup)
                {
                    t0 = Stopwatch.GetTimestamp();
                }
                else if (n == total)
                {
                    t1 = Stopwatch.GetTimestamp();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(Loop)));
        return count / Stopwatch.GetElapsedTime(t0, t1).TotalSeconds;
    }
}
