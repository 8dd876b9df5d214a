using System.Diagnostics;
using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// Cold start: the real <c>pluginnet run</c> process, started fresh each time with the repository's
/// plugins.json (four plugins: Http, WsClient, WsServer, Udp), until its script's first
/// <c>frame_update</c> prints a line. Measured from just before the process start to the line arriving.
/// </summary>
internal static class ColdStart
{
    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var host = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "pluginnet.exe" : "pluginnet");
        var script = Path.Combine(Path.GetTempPath(), $"pluginnet-bench-{Guid.NewGuid():N}.lua");
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
                await using (var process = PeerProcess.Program(host, ["run", script, "--no-console", "--plugins", Repo.PluginsJson]))
                {
                    await process.WaitForLineAsync("first frame", TimeSpan.FromSeconds(30));
                    times.Add(Stopwatch.GetElapsedTime(process.Started).TotalMilliseconds);
                    await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
                }

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
        }
        finally
        {
            File.Delete(script);
        }
    }
}
