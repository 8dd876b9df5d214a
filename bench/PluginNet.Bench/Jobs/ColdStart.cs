using System.Diagnostics;
using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// Cold start: the real <c>pluginnet run</c> process, started fresh each time with the repository's
/// plugins.json (four plugins: Http, WsClient, WsServer, Udp), until its script's first
/// <c>frame_update</c> prints a line. Measured from just before the process start to the line arriving,
/// against node started to its first line of output. Then, ours only, what the start-up is made of:
/// the same without plugins, with tiered PGO off, with W^X off, without ICU, and with the host compiled
/// ReadyToRun (published by bench/run.sh into bench/.r2r).
/// </summary>
internal static class ColdStart
{
    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var host = Repo.Pluginnet;
        var script = Path.Combine(Path.GetTempPath(), $"pluginnet-bench-{Guid.NewGuid():N}.lua");
        var noPlugins = await HostVariants.WriteEmptyPluginsJsonAsync();
        await File.WriteAllTextAsync(script, """
            event.on("frame_update", function()
              print("first frame")
              script.unload()
            end)
            """);
        Console.WriteLine($"cold-start: {host} run (4 plugins) until the first frame_update");
        try
        {
            var times = new List<double>();
            var peer = new List<double>();
            for (var run = 1; run <= Math.Max(settings.Runs, 5); run++)
            {
                times.Add(await FirstFrameAsync(host, script, Repo.PluginsJson));
                if (!settings.OursOnly)
                {
                    // The peer: node started to its first line of output (a script that prints and exits).
                    await using var node = PeerProcess.PlainNode("first-output.js");
                    await node.WaitForLineAsync("first output", TimeSpan.FromSeconds(30));
                    peer.Add(Stopwatch.GetElapsedTime(node.Started).TotalMilliseconds);
                }

                Console.WriteLine($"  run {run}: pluginnet {times[^1]:0} ms, node {(peer.Count > 0 ? peer[^1] : double.NaN):0} ms");
            }

            var median = Stats.Median(times);
            var nodeMedian = settings.OursOnly ? double.NaN : Stats.Median(peer);
            results.Add(new ResultRow(
                "cold start to first frame, `pluginnet run`, 4 plugins",
                $"{median:0} ms",
                $"{nodeMedian:0} ms (node start to first output)",
                $"{median / nodeMedian:0.00}×",
                "≤ 500 ms; ≤ 1.5× Node",
                median <= 500 && median / nodeMedian <= 1.5));
            if (settings.Smoke)
            {
                return;
            }

            // What the start-up is made of, each variant alternated with the shipped build in the same runs.
            var readyToRun = Path.Combine(Repo.Root, "bench", ".r2r", Repo.AppHostName);
            var variants = new List<(string Name, string Host, string Plugins, Dictionary<string, string>? Environment)>
            {
                (HostVariants.NoPluginsName, host, noPlugins, null),
                ("tiered PGO off (DOTNET_TieredPGO=0)", host, Repo.PluginsJson, new() { ["DOTNET_TieredPGO"] = "0" }),
            };
            variants.AddRange(HostVariants.RuntimeSwitches.Select(v => (v.Name, host, Repo.PluginsJson, (Dictionary<string, string>?)v.Environment)));
            if (File.Exists(readyToRun))
            {
                variants.Add(("host compiled ReadyToRun (plugins as built)", readyToRun, Repo.PluginsJson, null));
            }
            else
            {
                Console.WriteLine($"  (no ReadyToRun host at {readyToRun}: bench/run.sh publishes it)");
            }

            foreach (var (name, variantHost, plugins, environment) in variants)
            {
                var shipped = new List<double>();
                var variant = new List<double>();
                for (var run = 1; run <= Math.Max(settings.Runs, 5); run++)
                {
                    shipped.Add(await FirstFrameAsync(host, script, Repo.PluginsJson));
                    variant.Add(await FirstFrameAsync(variantHost, script, plugins, environment));
                }

                var (s, v) = (Stats.Median(shipped), Stats.Median(variant));
                Console.WriteLine($"  {name}: {v:0} ms against {s:0} ms as shipped (same runs)");
                results.Add(new ResultRow($"cold start to first frame, {name}", $"{v:0} ms", $"{s:0} ms (as shipped, same runs)", $"{v / s:0.00}×", "—", true));
            }
        }
        finally
        {
            File.Delete(script);
            File.Delete(noPlugins);
        }
    }

    private static async Task<double> FirstFrameAsync(string host, string script, string plugins, Dictionary<string, string>? environment = null)
    {
        await using var process = PeerProcess.Program(host, ["run", script, "--no-console", "--plugins", plugins], environment);
        await process.WaitForLineAsync("first frame", TimeSpan.FromSeconds(30));
        var elapsed = Stopwatch.GetElapsedTime(process.Started).TotalMilliseconds;
        await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return elapsed;
    }
}
