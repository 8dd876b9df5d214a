using System.Net;
using System.Net.Sockets;
using System.Text;
using PluginNet.Core.Observation;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Observation;

/// <summary>A real script's net.udp socket talking to a test socket on 127.0.0.1, as an attached observer hears it.</summary>
public class UdpObservationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SendReceiveClose_ObserverHearsEachDatagramWithItsPeer()
    {
        var observer = new ObservationRecorder();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var peerPort = ((IPEndPoint)peer.Client.LocalEndPoint!).Port;
        var script = LuaScripts.Write($$"""
            local sock
            sock = net.udp:bind(0, {
              on_message = function(data, host, port)
                sock:send(host, port, "echo:" .. data)
                sock:close()
                script.unload()
              end,
            })
            sock:send("127.0.0.1", {{peerPort}}, "hi")
            print("port=" .. sock.port .. " id=" .. sock.id)
            """);

        await using var runner = await EngineRunner.StartAsync([script], options: o => o with { Observer = observer });
        var port = await runner.WaitForPortAsync(Wait);
        var socketId = long.Parse(runner.Output.Prints.Single(p => p.StartsWith("port=", StringComparison.Ordinal)).Split(" id=")[1], System.Globalization.CultureInfo.InvariantCulture);
        var hi = await peer.ReceiveAsync().WaitAsync(Wait);
        Assert.Equal(("hi", port), (Encoding.ASCII.GetString(hi.Buffer), hi.RemoteEndPoint.Port));
        await peer.SendAsync("ping"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, port)).AsTask().WaitAsync(Wait);
        var echo = await peer.ReceiveAsync().WaitAsync(Wait);
        Assert.Equal("echo:ping", Encoding.ASCII.GetString(echo.Buffer));
        await runner.WaitForExitAsync();

        var events = observer.Udp.ToList();
        Assert.Equal(
            [UdpObservationKind.Opened, UdpObservationKind.Sent, UdpObservationKind.Received, UdpObservationKind.Sent, UdpObservationKind.Closed],
            events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal((Path.GetFileName(script), socketId), (e.Script, e.Socket)));
        var local = $"127.0.0.1:{port}";
        var remote = $"127.0.0.1:{peerPort}";
        Assert.Equal(local, events[0].Local);
        Assert.Equal((remote, "hi"), (events[1].Remote, Encoding.ASCII.GetString(events[1].Payload.Span)));
        Assert.Equal((remote, "ping"), (events[2].Remote, Encoding.ASCII.GetString(events[2].Payload.Span)));
        Assert.Equal((remote, "echo:ping"), (events[3].Remote, Encoding.ASCII.GetString(events[3].Payload.Span)));
        Assert.Equal(local, events[4].Local);
    }
}
