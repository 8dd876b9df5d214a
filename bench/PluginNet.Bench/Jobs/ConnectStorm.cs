using System.Net;
using System.Net.Sockets;
using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// Memory under a connect storm: the real <c>pluginnet run</c> process (the repository's plugins) with
/// a script that makes 100,000 <c>net.ws</c> connections that fail (nothing listens on the port, on
/// 127.0.0.1), 64 at a time, against a Node process doing the same with the <c>ws</c> client. Each
/// side's RSS is read idle (before the storm), at its peak (VmHWM) and 3 s after the last failure.
/// Then the same storm under other .NET GC settings (ours only; environment variables, which take
/// precedence over <c>pluginnet.runtimeconfig.json</c>): what server GC costs in memory.
/// </summary>
internal static class ConnectStorm
{
    private const int InFlight = 64;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    /// <summary>The GC settings compared, by the environment each sets (none: as shipped).</summary>
    private static readonly (string Name, Dictionary<string, string> Environment)[] GcSettings =
    [
        ("server GC, no DATAS (as shipped)", []),
        ("workstation GC (concurrent)", new() { ["DOTNET_gcServer"] = "0" }),
        ("server GC with DATAS", new() { ["DOTNET_GCDynamicAdaptationMode"] = "1" }),
        ("server GC, conserve memory 5", new() { ["DOTNET_GCConserveMemory"] = "5" }),
        ("server GC, one heap", new() { ["DOTNET_GCHeapCount"] = "1" }),
    ];

    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var total = settings.Count(100_000, 500);
        var port = ClosedPort();
        var script = Path.Combine(Path.GetTempPath(), $"pluginnet-bench-storm-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, StormScript(port, total));
        Console.WriteLine($"connect-storm: {total} failed WebSocket connects to 127.0.0.1:{port}, {InFlight} at a time; RSS idle, peak and {Settle.TotalSeconds:0} s after");
        try
        {
            var variants = settings.OursOnly || settings.Smoke ? GcSettings.Take(1) : GcSettings;
            foreach (var (name, environment) in variants)
            {
                var ours = new List<Footprints>();
                var peer = new List<Footprints>();
                // The other GC settings are ours only and each storm takes a while: at most 3 runs each.
                var runs = environment.Count == 0 ? settings.Runs : Math.Min(settings.Runs, 3);
                for (var run = 1; run <= runs; run++)
                {
                    ours.Add(await OursAsync(script, total, environment));
                    Console.WriteLine($"  {name}, run {run}: pluginnet {ours[^1]}");
                    if (!settings.OursOnly && environment.Count == 0)
                    {
                        peer.Add(await NodeAsync(port, total));
                        Console.WriteLine($"  run {run}: node {peer[^1]}");
                    }
                }

                var o = Footprints.Median(ours);
                if (peer.Count > 0)
                {
                    var p = Footprints.Median(peer);
                    results.Add(new ResultRow($"RSS after {total:N0} failed connects, {name} (settled {Settle.TotalSeconds:0} s after; peak)",
                        $"{o.Settled / 1e6:0.0} MB (peak {o.Peak / 1e6:0.0})", $"{p.Settled / 1e6:0.0} MB (peak {p.Peak / 1e6:0.0}; node ws)",
                        $"{o.Settled / p.Settled:0.00}× (peak {o.Peak / p.Peak:0.00}×)", "≤ 1.2×", o.Settled / p.Settled <= 1.2));
                    results.Add(new ResultRow($"connect storm: failed connects/s, {name}", $"{o.Rate:0} /s", $"{p.Rate:0} /s (node ws)",
                        $"{o.Rate / p.Rate:0.00}×", "—", true));
                }
                else
                {
                    results.Add(new ResultRow($"RSS after {total:N0} failed connects, {name} (idle before; peak; settled)",
                        $"{o.Idle / 1e6:0.0} MB; {o.Peak / 1e6:0.0} MB; {o.Settled / 1e6:0.0} MB", "—", "—", "—", true));
                }
            }
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string StormScript(int port, int total) => $$"""
        local url, total = "ws://127.0.0.1:{{port}}/", {{total}}
        local started, ended, began = 0, 0, 0
        local function start()
          started = started + 1
          net.ws:connect(url, {
            on_error = function() end,
            on_close = function()
              ended = ended + 1
              if started < total then start()
              elseif ended == total then print(string.format("storm done %.3f", os.clock() - began)) end
            end,
          })
        end
        print("ready")
        task.spawn(function()
          task.wait({{Settle.TotalSeconds + 1}})
          began = os.clock()
          for _ = 1, {{InFlight}} do start() end
        end)
        """;

    private static async Task<Footprints> OursAsync(string script, int total, Dictionary<string, string> environment)
    {
        var host = Repo.Pluginnet;
        await using var process = PeerProcess.Program(host, ["run", script, "--timeout", "600", "--plugins", Repo.PluginsJson], environment);
        var footprints = await MeasureAsync(process, total);
        await process.WriteLineAsync("quit");
        return footprints;
    }

    private static async Task<Footprints> NodeAsync(int port, int total)
    {
        await using var node = PeerProcess.Node("connect-storm.js", $"{port}", $"{total}", $"{InFlight}", $"{(Settle.TotalMilliseconds + 1000):0}");
        return await MeasureAsync(node, total);
    }

    /// <summary>Idle RSS once settled after "ready"; the peak so far and the RSS a while after "storm done"; the storm's rate by the wall clock.</summary>
    private static async Task<Footprints> MeasureAsync(PeerProcess process, int total)
    {
        await process.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
        await Task.Delay(Settle);
        var idle = process.Footprint().RssBytes;
        var began = System.Diagnostics.Stopwatch.GetTimestamp();
        await process.WaitForLineAsync("storm done", TimeSpan.FromMinutes(5));
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(began).TotalSeconds - 1; // the storm starts 1 s after the idle reading
        await Task.Delay(Settle);
        return new Footprints(idle, process.PeakRssBytes(), process.Footprint().RssBytes, seconds > 0 ? total / seconds : double.NaN);
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on: taken from the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Footprints(double Idle, double Peak, double Settled, double Rate)
    {
        public static Footprints Median(List<Footprints> all) => new(
            Stats.Median([.. all.Select(f => f.Idle)]), Stats.Median([.. all.Select(f => f.Peak)]),
            Stats.Median([.. all.Select(f => f.Settled)]), Stats.Median([.. all.Select(f => f.Rate)]));

        public override string ToString() =>
            $"idle {Idle / 1e6:0.0} MB, peak {Peak / 1e6:0.0} MB, settled {Settled / 1e6:0.0} MB, {Rate:0} failed connects/s";
    }
}
