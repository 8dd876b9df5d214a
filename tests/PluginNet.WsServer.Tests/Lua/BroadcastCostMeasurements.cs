using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using PluginNet.TestSupport;
using PluginNet.WsServer.Tests.Support;
using Xunit.Abstractions;

namespace PluginNet.WsServer.Tests.Lua;

/// <summary>What net.ws_server costs the host, measured on the real command line in its own process.</summary>
[Trait("Category", "Measurement")]
public sealed class BroadcastCostMeasurements(ITestOutputHelper output)
{
    private const int Clients = 200;

    private const string Script = """
        local payload = string.rep("x", 1024)
        local broadcasting = false
        local srv
        srv = net.ws_server:listen(0, {
          on_message = function(c, msg)
            if msg == "start" then broadcasting = true
            elseif msg == "stop" then broadcasting = false
            else srv:send(c, msg) end
          end,
        })
        event.on("frame_update", function()
          if broadcasting then srv:broadcast(payload) end
        end)
        print("port=" .. srv.port)
        """;

    [MeasurementFact]
    public async Task Broadcast_1KbAt60FpsTo200Clients_HostCpuAndEchoRate()
    {
        await using var host = HostProcess.Start([LuaScripts.Write(Script)]);
        var port = int.Parse((await host.WaitForLineAsync(l => l.StartsWith("port=", StringComparison.Ordinal)))[5..], CultureInfo.InvariantCulture);
        var url = new Uri($"ws://127.0.0.1:{port}/");

        var sockets = new List<ClientWebSocket>();
        for (var i = 0; i < Clients; i++)
        {
            sockets.Add(await TestClients.ConnectAsync(url));
        }

        using var stop = new CancellationTokenSource();
        var received = new long[Clients];
        var readers = sockets.Skip(1).Select((s, i) => CountAsync(s, i + 1, received, stop.Token)).ToList();
        var control = sockets[0];

        // Warm up (JIT, buffers) with two seconds of broadcasting, then measure idle, then busy.
        await control.SendTextAsync("start");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await control.SendTextAsync("stop");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var idle = await CpuOverAsync(host.Process, TimeSpan.FromSeconds(5));

        await control.SendTextAsync("start");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = received.Sum();
        var busy = await CpuOverAsync(host.Process, TimeSpan.FromSeconds(10));
        var delivered = (received.Sum() - before) / 10.0;
        await control.SendTextAsync("stop");

        // Echo round trips through Lua on the control client, with the other 199 connected and idle.
        // The control client never read the broadcast: skip that backlog on the first round trip.
        var payload = new string('e', 1024);
        await control.SendTextAsync(payload);
        while (await control.ReceiveTextAsync() != payload)
        {
        }

        var clock = Stopwatch.StartNew();
        var trips = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await control.SendTextAsync(payload);
            Assert.Equal(payload, await control.ReceiveTextAsync());
            trips++;
        }

        var echoRate = trips / clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        foreach (var socket in sockets)
        {
            socket.Abort();
            socket.Dispose();
        }

        await Task.WhenAll(readers);
        output.WriteLine($"host CPU, 200 idle clients, frame loop only: {idle:F3} CPU-s/s");
        output.WriteLine($"host CPU, broadcasting 1 KB at 60 fps to {Clients - 1} reading clients (+1 control): {busy:F3} CPU-s/s");
        output.WriteLine($"messages delivered to clients: {delivered:F0}/s (ideal {(Clients - 1) * 60}/s)");
        output.WriteLine($"echo round trips through Lua (1 KB, one client): {echoRate:F0}/s");
        Assert.True(delivered > (Clients - 1) * 60 * 0.8, $"only {delivered:F0} messages/s delivered");
    }

    private static async Task<double> CpuOverAsync(Process process, TimeSpan window)
    {
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        process.Refresh();
        return (process.TotalProcessorTime - cpu).TotalSeconds / clock.Elapsed.TotalSeconds;
    }

    private static async Task CountAsync(ClientWebSocket socket, int index, long[] received, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.EndOfMessage)
                {
                    Interlocked.Increment(ref received[index]);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }
}
