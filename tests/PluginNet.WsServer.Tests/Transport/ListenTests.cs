using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using PluginNet.Core.Transports;
using PluginNet.WsServer.Tests.Support;

namespace PluginNet.WsServer.Tests.Transport;

public sealed class ListenTests
{
    [Fact]
    public async Task Listen_PortTakenByAnotherServer_ThrowsPortInUse()
    {
        await using var harness = ServerHarness.Start();

        var ex = Assert.Throws<PortInUseException>(
            () => harness.Transport.Listen(ServerHarness.Request(port: harness.Server.Port), new RecordingEvents()));

        Assert.Equal(harness.Server.Port, ex.Port);
        Assert.True(harness.Server.IsOpen);
    }

    [Fact]
    public async Task Listen_PortTakenByAnotherListener_ThrowsPortInUse()
    {
        var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        try
        {
            var port = ((IPEndPoint)other.LocalEndpoint).Port;
            await using var transport = new Plugins.WsServer.KestrelWebSocketServerTransport();

            Assert.Throws<PortInUseException>(() => transport.Listen(ServerHarness.Request(port: port), new RecordingEvents()));
        }
        finally
        {
            other.Stop();
        }
    }

    [Fact]
    public async Task Listen_AnyPort_BoundToLoopbackOnly()
    {
        await using var harness = ServerHarness.Start();
        var (socket, _) = await harness.ConnectAsync();

        // The kernel's own table of listening sockets says which address the port is bound to; no
        // connection to any other address is made (this project only ever talks to 127.0.0.1).
        var listening = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners()
            .Where(e => e.Port == harness.Server.Port)
            .ToList();

        Assert.NotEmpty(listening);
        Assert.All(listening, e => Assert.True(IPAddress.IsLoopback(e.Address), $"port {e.Port} is bound to {e.Address}"));
        socket.Dispose();
    }

    [Fact]
    public void Listen_BadRequest_Throws()
    {
        using var transport = new Plugins.WsServer.KestrelWebSocketServerTransport();

        Assert.Throws<ArgumentOutOfRangeException>(() => transport.Listen(ServerHarness.Request(port: 70000), new RecordingEvents()));
        Assert.Throws<ArgumentOutOfRangeException>(() => transport.Listen(ServerHarness.Request(maxMessageBytes: 0), new RecordingEvents()));
    }
}
