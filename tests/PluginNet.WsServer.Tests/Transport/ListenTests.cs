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
    public async Task Listen_AnyPort_NotReachableOnOtherInterfaces()
    {
        await using var harness = ServerHarness.Start();
        var (socket, _) = await harness.ConnectAsync();

        // Every non-loopback IPv4 address of this machine refuses the port (a machine without one has nothing to check).
        foreach (var address in NonLoopbackAddresses())
        {
            using var tcp = new TcpClient();
            var refused = await Assert.ThrowsAnyAsync<SocketException>(() => tcp.ConnectAsync(address, harness.Server.Port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        socket.Dispose();
    }

    [Fact]
    public void Listen_BadRequest_Throws()
    {
        using var transport = new Plugins.WsServer.KestrelWebSocketServerTransport();

        Assert.Throws<ArgumentOutOfRangeException>(() => transport.Listen(ServerHarness.Request(port: 70000), new RecordingEvents()));
        Assert.Throws<ArgumentOutOfRangeException>(() => transport.Listen(ServerHarness.Request(maxMessageBytes: 0), new RecordingEvents()));
    }

    private static IEnumerable<IPAddress> NonLoopbackAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
