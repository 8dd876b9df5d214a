using System.Net;
using System.Net.Sockets;

namespace PluginNet.WsClient.Tests.Infrastructure;

internal static class Ports
{
    /// <summary>A loopback port that nothing listens on (bound once to pick it, then released).</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
