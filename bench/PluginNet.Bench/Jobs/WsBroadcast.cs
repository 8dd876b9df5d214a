using System.Globalization;
using PluginNet.Bench.Infrastructure;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// The cost of serving a local dashboard: a server on 127.0.0.1 broadcasts one 1 KB text message to
/// 200 connected clients 60 times a second. Ours is the real <c>pluginnet run</c> process with a
/// script that calls <c>srv:broadcast</c> from <c>frame_update</c>; the peer is a Node <c>ws</c>
/// server doing the same from a 60 Hz timer. The same Node process holds the 200 clients for both.
/// The figure is the server process's CPU time (user + system) per second of wall time, over a
/// window that starts once every client is connected and the rate has settled.
/// </summary>
internal static class WsBroadcast
{
    private const int Clients = 200;

    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var window = TimeSpan.FromSeconds(settings.Smoke ? 2 : 10);
        var script = Path.Combine(Path.GetTempPath(), $"pluginnet-bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, """
            local message = string.rep("x", 1024)
            local srv = net.ws_server:listen(0, {})
            print("listening " .. srv.port)
            event.on("frame_update", function() srv:broadcast(message) end)
            """);
        Console.WriteLine($"ws-broadcast: 1 KB to {Clients} clients at 60 fps; server CPU over {window.TotalSeconds:0} s once all are connected");
        try
        {
            var ours = new List<double>();
            var peer = new List<double>();
            var oursRss = new List<double>();
            var peerRss = new List<double>();
            for (var run = 1; run <= settings.Runs; run++)
            {
                var (cpu, rate, rss, threads) = await MeasureAsync(OursAsync(script), window);
                ours.Add(cpu);
                oursRss.Add(rss);
                Console.WriteLine($"  run {run}: pluginnet {cpu:0.000} CPU s/s ({rate:0} messages/s received by all clients), RSS {rss / 1e6:0.0} MB, {threads} threads");
                if (!settings.OursOnly)
                {
                    (cpu, rate, rss, threads) = await MeasureAsync(Task.FromResult(PeerProcess.Node("broadcast-server.js")), window);
                    peer.Add(cpu);
                    peerRss.Add(rss);
                    Console.WriteLine($"  run {run}: Node ws {cpu:0.000} CPU s/s ({rate:0} messages/s received by all clients), RSS {rss / 1e6:0.0} MB, {threads} threads");
                }
            }

            var (o, p) = (Stats.Median(ours), Stats.Median(peer));
            results.Add(new ResultRow(
                $"ws_server broadcast, 1 KB at 60 fps to {Clients} clients: server CPU s per s",
                $"{o:0.000} s/s",
                $"{p:0.000} s/s (Node ws server)",
                $"{o / p:0.00}×",
                "≤ 1.0×",
                o / p <= 1.0));
            var (oRss, pRss) = (Stats.Median(oursRss), Stats.Median(peerRss));
            results.Add(new ResultRow(
                $"ws_server broadcast, 1 KB at 60 fps to {Clients} clients: server RSS at the end of the window",
                $"{oRss / 1e6:0.0} MB",
                $"{pRss / 1e6:0.0} MB (Node ws server)",
                $"{oRss / pRss:0.00}×",
                "≤ 1.0×",
                oRss / pRss <= 1.0));
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static Task<PeerProcess> OursAsync(string script)
    {
        var host = Repo.Pluginnet;
        return Task.FromResult(PeerProcess.Program(host, ["run", script, "--timeout", "300", "--plugins", Repo.PluginsJson]));
    }

    private static async Task<(double CpuPerSecond, double MessagesPerSecond, double RssBytes, int Threads)> MeasureAsync(Task<PeerProcess> starting, TimeSpan window)
    {
        await using var server = await starting;
        var port = await server.WaitForLineAsync("listening ", TimeSpan.FromSeconds(30));
        await using var clients = PeerProcess.Node("ws-clients.js", $"ws://127.0.0.1:{port}/", $"{Clients}");
        await clients.WaitForLineAsync("connected ", TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(2)); // let the rate settle

        clients.DrainLines();
        var received0 = await ReceivedAsync(clients);
        var cpu0 = server.CpuTime;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.Delay(window);
        var cpu1 = server.CpuTime;
        var (rss, threads) = server.Footprint();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        clients.DrainLines();
        var received1 = await ReceivedAsync(clients);

        await TryQuitAsync(server);
        return ((cpu1 - cpu0).TotalSeconds / elapsed.TotalSeconds, (received1.Total - received0.Total) / ((received1.Ms - received0.Ms) / 1000), rss, threads);
    }

    // The clients print their running total (and their clock) once a second.
    private static async Task<(double Total, double Ms)> ReceivedAsync(PeerProcess clients)
    {
        var parts = (await clients.WaitForLineAsync("received ", TimeSpan.FromSeconds(5))).Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    // pluginnet's control console: unload the script and exit (Node ignores it and exits when its input closes).
    private static async Task TryQuitAsync(PeerProcess server)
    {
        try
        {
            await server.WriteLineAsync("quit");
        }
        catch (IOException)
        {
            // Already gone.
        }
    }
}
