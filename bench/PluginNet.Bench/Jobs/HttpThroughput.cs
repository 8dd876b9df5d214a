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
/// the wire; the main measure raises it to 64 in the bench's engine options, so one script has 64 in
/// flight. A second measure keeps the default: the script still issues 64, 16 go on the wire, and the
/// peer is HttpClient with 16 loops (equal concurrency on the wire); the ratio of the two Lua rates is
/// what the default limit costs a script that wants more.
/// </remarks>
internal static class HttpThroughput
{
    private const int InFlight = 64;
    private const int DefaultLimit = 16;

    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var count = settings.Count(20_000, 200);
        var warmup = settings.Count(2_000, 100);
        await using var server = PeerProcess.Self("serve-http");
        var url = await server.WaitForLineAsync("ready ", TimeSpan.FromSeconds(30));
        Console.WriteLine($"http-throughput: {count} GETs after {warmup} to warm up, {InFlight} in flight, Kestrel at {url} (own process)");

        var ours = new List<double>();
        var peer = new List<double>();
        var ourCpu = new List<double>();
        var peerCpu = new List<double>();
        var oursDefault = new List<double>();
        var peerDefault = new List<double>();
        var oursNoBudget = new List<double>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            var (rate, cpu) = await LuaRateAsync(url, count, warmup);
            ours.Add(rate);
            ourCpu.Add(cpu);
            (rate, cpu) = settings.OursOnly ? (double.NaN, double.NaN) : await HttpClientRateAsync(url, count, warmup, InFlight);
            peer.Add(rate);
            peerCpu.Add(cpu);
            oursNoBudget.Add((await LuaRateAsync(url, count, warmup, o => o with { CallbackBudget = Timeout.InfiniteTimeSpan })).Rate);
            oursDefault.Add((await LuaRateAsync(url, count, warmup, limit: DefaultLimit)).Rate);
            peerDefault.Add(settings.OursOnly ? double.NaN : (await HttpClientRateAsync(url, count, warmup, DefaultLimit)).Rate);
            Console.WriteLine($"  run {run}: net.http {ours[^1]:0} /s ({ourCpu[^1]:0.0} µs CPU each), HttpClient {peer[^1]:0} /s ({peerCpu[^1]:0.0} µs CPU each); " +
                $"with the default limit of {DefaultLimit}: net.http {oursDefault[^1]:0} /s, HttpClient ({DefaultLimit} loops) {peerDefault[^1]:0} /s; " +
                $"the callback budget off: net.http {oursNoBudget[^1]:0} /s");
        }

        Console.WriteLine($"  client CPU per request (this process; the server is another): net.http {Stats.Median(ourCpu):0.0} µs, HttpClient {Stats.Median(peerCpu):0.0} µs");

        var (o, p) = (Stats.Median(ours), Stats.Median(peer));
        results.Add(new ResultRow(
            $"HTTP GET/s, {InFlight} in flight, local Kestrel (net.http, one script, per-script limit raised to {InFlight})",
            $"{o:0} /s",
            $"{p:0} /s (raw HttpClient)",
            $"{o / p:0.00}×",
            "≥ 0.9×",
            o / p >= 0.9));
        var nb = Stats.Median(oursNoBudget);
        results.Add(new ResultRow(
            $"HTTP GET/s, {InFlight} in flight, the callback budget off (4 ms per 60 fps frame as shipped)",
            $"{nb:0} /s",
            $"{o:0} /s (as shipped, same runs)",
            $"{nb / o:0.00}×",
            "—",
            true));
        var (od, pd) = (Stats.Median(oursDefault), Stats.Median(peerDefault));
        results.Add(new ResultRow(
            $"HTTP GET/s, default per-script limit ({DefaultLimit} on the wire of the 64 the script issues)",
            $"{od:0} /s",
            $"{pd:0} /s (raw HttpClient, {DefaultLimit} loops)",
            $"{od / pd:0.00}×",
            "≥ 0.9×",
            od / pd >= 0.9));
        results.Add(new ResultRow(
            $"what the default limit costs a script that keeps 64 requests going (limit {DefaultLimit} against {InFlight})",
            $"{od:0} /s",
            $"{o:0} /s (limit raised to {InFlight})",
            $"{od / o:0.00}×",
            "—",
            true));
    }

    // options: changes to the engine options (the inspector job attaches an observer).
    internal static async Task<(double Rate, double CpuMicros)> LuaRateAsync(
        string url, int count, int warmup, Func<PluginNet.Host.Engine.EngineOptions, PluginNet.Host.Engine.EngineOptions>? options = null, int limit = InFlight)
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
            """, [probe], o => (options?.Invoke(o) ?? o) with { MaxConcurrentRequestsPerScript = limit });
        Console.WriteLine($"    net.http: {probe.BytesPer(count):0} B allocated per request (whole process)");
        return (count / (probe.Between(0, 1) / 1000), probe.CpuMicrosPer(count));
    }

    private static async Task<(double Rate, double CpuMicros)> HttpClientRateAsync(string url, int count, int warmup, int loops)
    {
        using var client = new HttpClient();
        var total = warmup + count;
        int started = 0, done = 0;
        long t0 = 0, t1 = 0;
        TimeSpan cpu0 = default, cpu1 = default;
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
                    cpu0 = Environment.CpuUsage.TotalTime;
                }
                else if (n == total)
                {
                    t1 = Stopwatch.GetTimestamp();
                    cpu1 = Environment.CpuUsage.TotalTime;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(Loop)));
        return (count / Stopwatch.GetElapsedTime(t0, t1).TotalSeconds, (cpu1 - cpu0).TotalMicroseconds / count);
    }
}
