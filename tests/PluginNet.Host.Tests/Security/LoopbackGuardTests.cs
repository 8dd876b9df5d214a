using System.Net;
using System.Net.Sockets;
using PluginNet.TestSupport;

namespace PluginNet.Host.Tests.Security;

/// <summary>The suite's guard (<see cref="LoopbackGuard"/>) sees what it must forbid, and nothing here leaves the machine.</summary>
public class LoopbackGuardTests
{
    [Fact]
    public async Task Guard_NameLookupAndConnectOutsideLoopback_BothCaught()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using (var watch = LoopbackGuard.Begin("probe", allowLocalhost: false))
        {
            // Both stay on this machine: "localhost" is answered from the hosts file, and a connect to
            // 0.0.0.0 reaches this machine's own listener, yet neither is a loopback address or a resolver the test gave.
            await Dns.GetHostAddressesAsync("localhost");
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Any, port));
            }

            await Dns.GetHostAddressesAsync("127.0.0.1"); // a literal is no lookup
            using (var loopback = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                await loopback.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)); // allowed
            }

            Assert.Equal(
                [
                    "looked up the name 'localhost' through the machine's resolver (give the engine a resolver: EngineOptions.Resolver)",
                    "connected to 0.0.0.0, which is not a loopback address",
                ],
                watch.Violations);
        }
    }

    [Theory]
    [InlineData("InterNetwork:16:{0,80,127,0,0,1,0,0,0,0,0,0,0,0}", "127.0.0.1")]
    [InlineData("InterNetwork:16:{1,187,192,0,2,1,0,0,0,0,0,0,0,0}", "192.0.2.1")]
    [InlineData("InterNetworkV6:28:{0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,255,255,127,0,0,1,0,0,0,0}", "::ffff:127.0.0.1")]
    [InlineData("InterNetworkV6:28:{0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0}", "::1")]
    [InlineData("Unix:110:{47,116,109,112}", null)]
    public void AddressOf_SocketAddressText_TheAddress(string text, string? expected) =>
        Assert.Equal(expected, LoopbackGuard.AddressOf(text)?.ToString());
}
