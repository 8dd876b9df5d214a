using System.Globalization;
using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// WebSocket echo throughput under load: one connection with 64 messages in flight (10 B and 1 KB),
/// a Lua script with <c>net.ws</c> in the real engine (standalone frame loop, 60 fps) against a Node
/// <c>ws</c> echo server, and a Node <c>ws</c> client with the same window against the same server.
/// Each reply sends one more message from the message callback, so the window stays full. A third
/// measure, ours only, runs the same script with the engine's per-frame callback budget off
/// (<c>EngineOptions.CallbackBudget</c> infinite): how much of the gap is the budget that keeps a
/// game's frames on time.
/// </summary>
internal static class WsEchoStream
{
    private const int InFlight = 64;

    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        foreach (var size in new[] { 10, 1024 })
        {
            await RunSizeAsync(settings, results, size);
        }
    }

    private static async Task RunSizeAsync(BenchSettings settings, ResultTable results, int size)
    {
        var count = settings.Count(200_000, 500);
        var warmup = settings.Count(20_000, 100);
        await using var server = PeerProcess.Node("echo-server.js");
        var url = $"ws://127.0.0.1:{await server.WaitForLineAsync("ready ", TimeSpan.FromSeconds(20))}/";
        Console.WriteLine($"ws-stream: {count} round trips of {size} B, {InFlight} in flight, after {warmup} to warm up, Node ws echo server at {url}");

        var ours = new List<double>();
        var peer = new List<double>();
        var unbudgeted = new List<double>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            // Alternate which side goes first, run by run, so neither is always measured cold.
            if (run % 2 == 0 && !settings.OursOnly)
            {
                peer.Add(await NodeRateAsync(url, count, warmup, size));
            }

            var (rate, micros, bytes) = await LuaRateAsync(url, count, warmup, size);
            ours.Add(rate);
            Console.WriteLine($"    Lua client: {micros:0.0} µs CPU and {bytes:0} B allocated per round trip (whole process)");
            if (run % 2 == 1 || settings.OursOnly)
            {
                peer.Add(settings.OursOnly ? double.NaN : await NodeRateAsync(url, count, warmup, size));
            }

            unbudgeted.Add((await LuaRateAsync(url, count, warmup, size, budgetOff: true)).Rate);
            Console.WriteLine($"  run {run}: Lua {ours[^1]:0} /s, Node {peer[^1]:0} /s; Lua with the callback budget off {unbudgeted[^1]:0} /s");
        }

        var (o, p) = (Stats.Median(ours), Stats.Median(peer));
        results.Add(new ResultRow(
            $"WS echo round trips/s, {InFlight} in flight, {size} B (Lua net.ws ↔ Node ws echo server)",
            $"{o:0} /s",
            $"{p:0} /s (Node ws client)",
            $"{o / p:0.00}×",
            "≥ 1.0×",
            o / p >= 1.0));
        var u = Stats.Median(unbudgeted);
        results.Add(new ResultRow(
            $"WS echo round trips/s, {InFlight} in flight, {size} B, the callback budget off (4 ms per frame as shipped)",
            $"{u:0} /s",
            $"{o:0} /s (as shipped, same runs)",
            $"{u / o:0.00}×",
            "—",
            true));
    }

    private static async Task<(double Rate, double CpuMicros, double Bytes)> LuaRateAsync(string url, int count, int warmup, int size, bool budgetOff = false)
    {
        var probe = new Probe();
        await BenchEngine.RunAsync($$"""
            local msg = string.rep("x", {{size}})
            local received = 0
            local target = {{warmup + count}}
            net.ws:connect("{{url}}", {
              on_open = function(id)
                for _ = 1, {{InFlight}} do net.ws:send(id, msg) end
              end,
              on_message = function(id)
                received = received + 1
                if received == {{warmup}} then bench.mark(0) end
                if received == target then
                  bench.mark(1)
                  net.ws:close(id)
                elseif received < target then
                  net.ws:send(id, msg)
                end
              end,
              on_error = function(id, err) log.error("ws-stream: " .. err) end,
              on_close = function() script.unload() end,
            })
            """, [probe], o => budgetOff ? o with { CallbackBudget = Timeout.InfiniteTimeSpan } : o);
        return (count / (probe.Between(0, 1) / 1000), probe.CpuMicrosPer(count), probe.BytesPer(count));
    }

    private static async Task<double> NodeRateAsync(string url, int count, int warmup, int size)
    {
        await using var client = PeerProcess.Node("echo-stream-client.js", url, $"{count}", $"{warmup}", $"{size}", $"{InFlight}");
        return double.Parse(await client.WaitForLineAsync("rate ", TimeSpan.FromMinutes(2)), CultureInfo.InvariantCulture);
    }
}
