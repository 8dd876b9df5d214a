using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// Idle footprint: the resident set size (VmRSS) and thread count of the real <c>pluginnet run</c>
/// process (the repository's four plugins) with a script that only waits, against an idle Node
/// process that only waits, each read 3 s after it printed its first line; and, to see what the
/// plugins add, the same process with no plugins (an empty plugins.json).
/// </summary>
internal static class Footprint
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var host = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "pluginnet.exe" : "pluginnet");
        var script = Path.Combine(Path.GetTempPath(), $"pluginnet-bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, """print("ready")""");
        var noPlugins = Path.Combine(Path.GetTempPath(), $"pluginnet-bench-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(noPlugins, """{ "plugins": [] }""");
        Console.WriteLine($"footprint: idle `pluginnet run` (4 plugins) and idle `node`, RSS {Settle.TotalSeconds:0} s after their first line");
        try
        {
            var ours = new List<double>();
            var peer = new List<double>();
            var bare = new List<double>();
            for (var run = 1; run <= settings.Runs; run++)
            {
                await using (var process = PeerProcess.Program(host, ["run", script, "--timeout", "60", "--plugins", noPlugins]))
                {
                    var (rss, threads) = await IdleFootprintAsync(process);
                    bare.Add(rss);
                    Console.WriteLine($"  run {run}: pluginnet without plugins {rss / 1e6:0.0} MB, {threads} threads");
                    await process.WriteLineAsync("quit");
                }

                await using (var process = PeerProcess.Program(host, ["run", script, "--timeout", "60", "--plugins", Repo.PluginsJson]))
                {
                    var (rss, threads) = await IdleFootprintAsync(process);
                    ours.Add(rss);
                    Console.WriteLine($"  run {run}: pluginnet {rss / 1e6:0.0} MB, {threads} threads");
                    await process.WriteLineAsync("quit");
                }

                if (!settings.OursOnly)
                {
                    await using var node = PeerProcess.PlainNode("idle.js");
                    var (rss, threads) = await IdleFootprintAsync(node);
                    peer.Add(rss);
                    Console.WriteLine($"  run {run}: node {rss / 1e6:0.0} MB, {threads} threads");
                }
            }

            var (o, p) = (Stats.Median(ours), Stats.Median(peer));
            results.Add(new ResultRow(
                "idle RSS, `pluginnet run` (4 plugins) with a waiting script",
                $"{o / 1e6:0.0} MB",
                $"{p / 1e6:0.0} MB (idle node)",
                $"{o / p:0.00}×",
                "≤ 1.2×",
                o / p <= 1.2));
            var b = Stats.Median(bare);
            results.Add(new ResultRow(
                "idle RSS, `pluginnet run` with no plugins (what the four plugins add)",
                $"{b / 1e6:0.0} MB",
                $"{o / 1e6:0.0} MB (4 plugins, same runs)",
                $"{b / o:0.00}×",
                "—",
                true));
        }
        finally
        {
            File.Delete(noPlugins);
            File.Delete(script);
        }
    }

    private static async Task<(double Rss, int Threads)> IdleFootprintAsync(PeerProcess process)
    {
        await process.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
        await Task.Delay(Settle);
        return process.Footprint();
    }
}
