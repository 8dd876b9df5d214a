using System.Globalization;
using System.Net.WebSockets;
using PluginNet.Bench.Infrastructure;
using PluginNet.Host.Plugins;

namespace PluginNet.Bench.Jobs;

/// <summary>
/// What the inspector (<c>run --inspect</c>) costs: the ws-echo and http-throughput measures of Lua run
/// three ways, interleaved in each run so the machine's load falls on all alike: off (no observer, as
/// every other job and every default run), on (the Inspector plugin loaded from plugins.json and
/// attached as the observer, no page open), and on with a page's live feed open (a WebSocket reading
/// /live, as a browser would).
/// </summary>
internal static class InspectorCost
{
    public static async Task RunAsync(BenchSettings settings, ResultTable results)
    {
        var count = settings.Count(20_000, 200);
        var warmup = settings.Count(2_000, 50);
        await using var echo = PeerProcess.Node("echo-server.js");
        var echoUrl = $"ws://127.0.0.1:{await echo.WaitForLineAsync("ready ", TimeSpan.FromSeconds(20))}/";
        await using var http = PeerProcess.Self("serve-http");
        var httpUrl = await http.WaitForLineAsync("ready ", TimeSpan.FromSeconds(30));
        var entry = InspectorPlugin.FindEntry(PluginConfig.Load(Repo.PluginsJson))
            ?? throw new InvalidOperationException("plugins.json has no Inspector entry");
        Console.WriteLine($"inspector: ws-echo ({count} round trips) and http-throughput ({count} GETs), each off / on / on with a page open");

        var echoRates = new Dictionary<string, List<double>> { ["off"] = [], ["on"] = [], ["page"] = [] };
        var httpRates = new Dictionary<string, List<double>> { ["off"] = [], ["on"] = [], ["page"] = [] };
        for (var run = 1; run <= settings.Runs; run++)
        {
            foreach (var mode in new[] { "off", "on", "page" })
            {
                await using var inspector = mode == "off" ? null : InspectorPlugin.Load(entry);
                var url = inspector is null ? null : await inspector.Inspector.StartAsync(0);
                using var page = mode == "page" ? await LivePage.OpenAsync(url!) : null;
                Func<PluginNet.Host.Engine.EngineOptions, PluginNet.Host.Engine.EngineOptions>? observe =
                    inspector is null ? null : o => o with { Observer = inspector.Inspector };
                echoRates[mode].Add((await WsEchoRate.LuaRateAsync(echoUrl, count, warmup, observe)).Rate);
                httpRates[mode].Add((await HttpThroughput.LuaRateAsync(httpUrl, count, warmup, observe)).Rate);
                Console.WriteLine($"  run {run}, inspector {mode}: ws-echo {echoRates[mode][^1]:0} /s, http {httpRates[mode][^1]:0} /s"
                    + (page is null ? string.Empty : $", page received {page.Messages} feed messages"));
            }
        }

        Add(results, "WS echo round trips/s (as ws-echo)", echoRates);
        Add(results, "HTTP GET/s, 64 in flight (as http-throughput)", httpRates);
    }

    private static void Add(ResultTable results, string measure, Dictionary<string, List<double>> rates)
    {
        var (off, on, page) = (Stats.Median(rates["off"]), Stats.Median(rates["on"]), Stats.Median(rates["page"]));
        results.Add(new ResultRow(
            $"{measure}: inspector on, no page / with a page open",
            $"{on:0} /s / {page:0} /s",
            $"{off:0} /s (inspector off, same run)",
            $"{on / off:0.00}× / {page / off:0.00}×",
            "reported",
            true));
    }

    /// <summary>A page's live feed: a WebSocket on /live from the inspector's own origin, read and dropped.</summary>
    private sealed class LivePage : IDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private readonly CancellationTokenSource _stop = new();
        private int _messages;

        public int Messages => Volatile.Read(ref _messages);

        public static async Task<LivePage> OpenAsync(Uri inspector)
        {
            var page = new LivePage();
            page._socket.Options.SetRequestHeader("Origin", inspector.GetLeftPart(UriPartial.Authority));
            await page._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{inspector.Port.ToString(CultureInfo.InvariantCulture)}/live"), CancellationToken.None);
            _ = page.ReadAsync();
            return page;
        }

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    var result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    if (result.EndOfMessage)
                    {
                        Interlocked.Increment(ref _messages);
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
            _stop.Dispose();
        }
    }
}
