using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;
using Xunit.Abstractions;

namespace PluginNet.WsServer.Tests.Security;

/// <summary>
/// Twenty clients each sending a 60 MB message in fragments to the real <c>pluginnet run</c> (default
/// limits): without a reassembly budget the host would buffer up to 64 MB per client (1.3 GB); with
/// it, the server's 256 MiB budget closes the clients that would go past it with 1013 while a
/// bystander keeps echoing. Reports the host's peak working set. A load measure (heavy: 1.2 GB
/// through loopback), run by <c>bench/run.sh load</c>; the normal suite has
/// <see cref="ReassemblyBudgetTests"/>.
/// </summary>
[Collection(LoadCollection.Name)]
[Trait(TestCategory.Name, TestCategory.Load)]
public sealed class ReassemblyBudgetLoadTests(ITestOutputHelper log)
{
    private const int Clients = 20;
    private const int MessageBytes = 60 * 1024 * 1024;
    private const int FragmentBytes = 1024 * 1024;

    private const string Script = """
        local srv
        local big = 0
        srv = net.ws_server:listen(0, {
          on_message = function(c, msg)
            if #msg > 1000 then big = big + 1 print("big message " .. big) else srv:send(c, msg) end
          end,
        })
        print("port=" .. srv.port)
        """;

    [Fact]
    public async Task TwentyClientsSixtyMegabytesEachInFragments_HostMemoryBounded_BystanderKeepsEchoing()
    {
        await using var host = PluginNetProcess.Start([LuaScripts.Write(Script, "reassembly.lua")]);
        var port = await host.WaitForLineAsync(l => l.StartsWith("port=", StringComparison.Ordinal), Attacks.Wait);
        var url = new Uri($"ws://127.0.0.1:{int.Parse(port["port=".Length..], CultureInfo.InvariantCulture)}/");
        using var bystander = await TestClients.ConnectAsync(url);
        host.Process.Refresh();
        var before = host.Process.WorkingSet64;

        using var stop = new CancellationTokenSource();
        var echoes = EchoUntilAsync(bystander, stop.Token);
        var watch = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => SendOneAsync(url))).WaitAsync(TimeSpan.FromMinutes(5));
        await stop.CancelAsync();
        var echoed = await echoes;
        host.Process.Refresh();
        var peak = host.Process.PeakWorkingSet64;

        var refused = outcomes.Count(o => o == Documented.TryAgainLater);
        var delivered = host.Stdout.Count(l => l.StartsWith("big message", StringComparison.Ordinal));
        log.WriteLine($"{Clients} clients x {MessageBytes / (1024 * 1024)} MB in {watch.Elapsed.TotalSeconds:0.0} s: " +
            $"{delivered} reached the script, {refused} closed with 1013 (close codes seen by the clients, -1 for none: {string.Join(",", outcomes)}); bystander echoes meanwhile: {echoed}; " +
            $"host working set before {before / (1024 * 1024)} MB, peak {peak / (1024 * 1024)} MB");
        Assert.True(refused > 0, $"no client was refused: {string.Join(",", outcomes)}");
        Assert.True(echoed > 0, "the bystander got no echo while the clients sent");
        // Without the budget 20 clients would hold up to 20 x 64 MB of live buffers plus as much again
        // of the smaller buffers each outgrew (about 2.5 GB). With it: 256 MiB of live buffers, the
        // garbage of their growth until the collector takes it, and the copies of delivered messages
        // (one run: 1148-1244 MB, see docs/SECURITY.md §7).
        Assert.True(peak < 1536L * 1024 * 1024, $"peak working set {peak / (1024 * 1024)} MB");
    }

    // 0: the whole message went out and the client closed normally; else the close code the server sent.
    private static async Task<int> SendOneAsync(Uri url)
    {
        using var socket = await TestClients.ConnectAsync(url);
        var fragment = new byte[FragmentBytes];
        try
        {
            for (var sent = 0; sent < MessageBytes; sent += FragmentBytes)
            {
                await socket.SendAsync(fragment, WebSocketMessageType.Binary, sent + FragmentBytes >= MessageBytes, CancellationToken.None);
            }

            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
            var close = await socket.ReceiveCloseAsync();
            return close.Status is { } s && (int)s != 1000 ? (int)s : 0;
        }
        catch (WebSocketException)
        {
            // Closed by the server while still sending: its close frame is what it said.
            return socket.CloseStatus is { } status ? (int)status : await ReadCloseAsync(socket);
        }
    }

    private static async Task<int> ReadCloseAsync(WebSocket socket)
    {
        try
        {
            var close = await socket.ReceiveCloseAsync();
            return close.Status is { } s ? (int)s : -1;
        }
        catch (WebSocketException)
        {
            return -1;
        }
    }

    private static async Task<int> EchoUntilAsync(ClientWebSocket socket, CancellationToken stop)
    {
        var count = 0;
        while (!stop.IsCancellationRequested)
        {
            await socket.SendTextAsync("ping " + count);
            Assert.Equal("ping " + count, await socket.ReceiveTextAsync());
            count++;
        }

        return count;
    }
}
