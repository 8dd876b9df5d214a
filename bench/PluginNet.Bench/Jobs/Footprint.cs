using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// Idle footprint: the resident set size (VmRSS) and thread count of the real <c>pluginnet run</c>
/// process (the repository's four plugins) with a script that only waits, against an idle Node
/// process that only waits, each read 3 s after it printed its first line; and, ours only, the same
/// process with no plugins (what they add), with W^X off and without ICU (what those would save).
/// </summary>
internal static class Footprint
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var host = Repo.Pluginnet;
        var script = Path.Combine(Path.GetTempPath(), $"pluginnet-bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, """print("ready")""");
        var noPlugins = await HostVariants.WriteEmptyPluginsJsonAsync();
        Console.WriteLine($"footprint: idle `pluginnet run` (4 plugins) and idle `node`, RSS {Settle.TotalSeconds:0} s after their first line");
        try
        {
            // Variants, ours only, each read in the same runs as the shipped process: what the plugins
            // add, and what two runtime switches (environment variables) would save.
            (string Name, string Plugins, Dictionary<string, string>? Environment)[] variants =
            [
                (HostVariants.NoPluginsName, noPlugins, null),
                .. HostVariants.RuntimeSwitches.Select(v => (v.Name, Repo.PluginsJson, (Dictionary<string, string>?)v.Environment)),
            ];
            var ours = new List<double>();
            var peer = new List<double>();
            var measured = variants.Select(_ => new List<double>()).ToArray();
            for (var run = 1; run <= settings.Runs; run++)
            {
                var (rss, threads) = await OursAsync(host, script, Repo.PluginsJson, null);
                ours.Add(rss);
                Console.WriteLine($"  run {run}: pluginnet {rss / 1e6:0.0} MB, {threads} threads");
                if (!settings.OursOnly)
                {
                    await using var node = PeerProcess.PlainNode("idle.js");
                    (rss, threads) = await IdleFootprintAsync(node);
                    peer.Add(rss);
                    Console.WriteLine($"  run {run}: node {rss / 1e6:0.0} MB, {threads} threads");
                }

                for (var v = 0; v < variants.Length && !settings.Smoke; v++)
                {
                    (rss, threads) = await OursAsync(host, script, variants[v].Plugins, variants[v].Environment);
                    measured[v].Add(rss);
                    Console.WriteLine($"  run {run}: pluginnet, {variants[v].Name}: {rss / 1e6:0.0} MB, {threads} threads");
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
            for (var v = 0; v < variants.Length && !settings.Smoke; v++)
            {
                var m = Stats.Median(measured[v]);
                results.Add(new ResultRow($"idle RSS, {variants[v].Name}", $"{m / 1e6:0.0} MB", $"{o / 1e6:0.0} MB (as shipped, same runs)", $"{m / o:0.00}×", "—", true));
            }
        }
        finally
        {
            File.Delete(noPlugins);
            File.Delete(script);
        }
    }

    private static async Task<(double Rss, int Threads)> OursAsync(string host, string script, string plugins, Dictionary<string, string>? environment)
    {
        await using var process = PeerProcess.Program(host, ["run", script, "--timeout", "60", "--plugins", plugins], environment);
        var footprint = await IdleFootprintAsync(process);
        await process.WriteLineAsync("quit");
        return footprint;
    }

    private static async Task<(double Rss, int Threads)> IdleFootprintAsync(PeerProcess process)
    {
        await process.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
        await Task.Delay(Settle);
        return process.Footprint();
    }
}
