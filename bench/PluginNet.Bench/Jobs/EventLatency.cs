using System.Diagnostics;
using System.Globalization;
using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// Network event to callback latency: a Node <c>ws</c> server sends messages at random moments (1–6 ms
/// apart, so they land at every phase of a 60 fps frame), each carrying the CLOCK_MONOTONIC reading
/// taken just before the send. The figure is the time from that reading to the start of the Lua
/// <c>on_message</c> callback in the real engine's standalone frame loop (60 fps, event-driven menu
/// thread), and, as the peer, to the start of a Node <c>ws</c> client's JS message handler.
/// </summary>
internal static class EventLatency
{
    // The first messages of each run meet cold code (JIT) on both sides; they are left out on both.
    private const int Warmup = 50;

    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        if (Stopwatch.Frequency != 1_000_000_000)
        {
            throw new InvalidOperationException("event-latency compares Stopwatch with Node's hrtime: it needs Linux (CLOCK_MONOTONIC in ns)");
        }

        var count = settings.Count(1000, 50) + Warmup;
        await using var server = PeerProcess.Node("push-server.js", $"{count}", "1", "6");
        var url = $"ws://127.0.0.1:{await server.WaitForLineAsync("ready ", TimeSpan.FromSeconds(20))}/";
        Console.WriteLine($"event-latency: {count} messages per run (the first {Warmup} not counted, on either side) at random 1-6 ms intervals from a Node ws server at {url}");

        var ours = new List<(double P50, double P99, double Max)>();
        var peer = new List<(double P50, double P99, double Max)>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            ours.Add(Summarise(await LuaLatenciesAsync(url, count)));
            peer.Add(settings.OursOnly ? (double.NaN, double.NaN, double.NaN) : Summarise(await NodeLatenciesAsync(url)));
            Console.WriteLine($"  run {run}: Lua p50 {ours[^1].P50:0} µs p99 {ours[^1].P99:0} µs max {ours[^1].Max:0} µs; Node p50 {peer[^1].P50:0} µs p99 {peer[^1].P99:0} µs max {peer[^1].Max:0} µs");
        }

        var (o50, o99) = (Stats.Median(ours.Select(x => x.P50)), Stats.Median(ours.Select(x => x.P99)));
        var (p50, p99) = (Stats.Median(peer.Select(x => x.P50)), Stats.Median(peer.Select(x => x.P99)));
        results.Add(new ResultRow(
            "network event → callback latency, 60 fps standalone loop (Node ws server → Lua on_message)",
            $"p50 {o50 / 1000:0.000} ms, p99 {o99 / 1000:0.000} ms",
            $"p50 {p50 / 1000:0.000} ms, p99 {p99 / 1000:0.000} ms (Node ws client)",
            $"p99 {o99 / p99:0.0}×",
            "p99 ≤ 1 ms",
            o99 <= 1000));
    }

    private static (double P50, double P99, double Max) Summarise(IReadOnlyList<double> micros)
    {
        if (micros.Count == 0 || micros.Any(m => m < 0 || m > 1_000_000))
        {
            throw new InvalidOperationException("event-latency: latencies out of range; are both clocks CLOCK_MONOTONIC?");
        }

        return (Stats.Percentile(micros, 50), Stats.Percentile(micros, 99), micros.Max());
    }

    private static async Task<IReadOnlyList<double>> LuaLatenciesAsync(string url, int count)
    {
        var probe = new Probe(stamps: count);
        await BenchEngine.RunAsync($$"""
            net.ws:connect("{{url}}", {
              on_message = function(id, msg) bench.stamp(msg) end,
              on_error = function(id, err) log.error("event-latency: " .. err) end,
              on_close = function() script.unload() end,
            })
            """, [probe]);
        return [.. probe.Stamps.Take(probe.StampCount).Skip(Warmup).Select(t => t / 1000.0)];
    }

    private static async Task<IReadOnlyList<double>> NodeLatenciesAsync(string url)
    {
        await using var client = PeerProcess.Node("push-client.js", url);
        var line = await client.WaitForLineAsync("latencies ", TimeSpan.FromMinutes(2));
        return [.. line.Split(',', StringSplitOptions.RemoveEmptyEntries).Skip(Warmup).Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
    }
}
