using System.Globalization;
using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// WebSocket echo round trips per second with one message in flight: a Lua script with
/// <c>net.ws</c> in the real engine (standalone frame loop, 60 fps) against a Node <c>ws</c> echo
/// server, and a Node <c>ws</c> client against the same server. Each reply is answered from the
/// message callback, so every round trip crosses the whole path: socket, transport, menu thread, Lua.
/// </summary>
internal static class WsEchoRate
{
    private const int MessageBytes = 32;

    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var count = settings.Count(20_000, 200);
        var warmup = settings.Count(2_000, 50);
        await using var server = PeerProcess.Node("echo-server.js");
        var url = $"ws://127.0.0.1:{await server.WaitForLineAsync("ready ", TimeSpan.FromSeconds(20))}/";
        Console.WriteLine($"ws-echo: {count} round trips of {MessageBytes} bytes after {warmup} to warm up, Node ws echo server at {url}");

        var ours = new List<double>();
        var peer = new List<double>();
        var cpu = new List<double>();
        for (var run = 1; run <= settings.Runs; run++)
        {
            var (rate, micros, bytes) = await LuaRateAsync(url, count, warmup);
            ours.Add(rate);
            cpu.Add(micros);
            Console.WriteLine($"    Lua client: {micros:0.0} µs CPU and {bytes:0} B allocated per round trip (whole process)");
            peer.Add(settings.OursOnly ? double.NaN : await NodeRateAsync(url, count, warmup));
            Console.WriteLine($"  run {run}: Lua {ours[^1]:0} /s, Node {peer[^1]:0} /s");
        }

        var (o, p) = (Stats.Median(ours), Stats.Median(peer));
        results.Add(new ResultRow(
            "WS echo round trips/s, 1 in flight, 32 B (Lua net.ws ↔ Node ws echo server)",
            $"{o:0} /s",
            $"{p:0} /s (Node ws client)",
            $"{o / p:0.00}×",
            "≥ 1.0×",
            o / p >= 1.0));
    }

    // options: changes to the engine options (the inspector job attaches an observer).
    internal static async Task<(double Rate, double CpuMicros, double Bytes)> LuaRateAsync(
        string url, int count, int warmup, Func<PluginNet.Host.Engine.EngineOptions, PluginNet.Host.Engine.EngineOptions>? options = null)
    {
        var probe = new Probe();
        await BenchEngine.RunAsync($$"""
            local msg = string.rep("x", {{MessageBytes}})
            local received = 0
            net.ws:connect("{{url}}", {
              on_open = function(id) net.ws:send(id, msg) end,
              on_message = function(id, m)
                received = received + 1
                if received == {{warmup}} then bench.mark(0) end
                if received == {{warmup + count}} then
                  bench.mark(1)
                  net.ws:close(id)
                else
                  net.ws:send(id, msg)
                end
              end,
              on_error = function(id, err) log.error("ws-echo: " .. err) end,
              on_close = function() script.unload() end,
            })
            """, [probe], options);
        return (count / (probe.Between(0, 1) / 1000), probe.CpuMicrosPer(count), probe.BytesPer(count));
    }

    private static async Task<double> NodeRateAsync(string url, int count, int warmup)
    {
        await using var client = PeerProcess.Node("echo-client.js", url, $"{count}", $"{warmup}", $"{MessageBytes}");
        return double.Parse(await client.WaitForLineAsync("rate ", TimeSpan.FromMinutes(2)), CultureInfo.InvariantCulture);
    }
}
