using System.Net;
using System.Net.Sockets;

namespace PluginNet.TestSupport;

/// <summary>Ports on 127.0.0.1 for tests.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A port on 127.0.0.1 that nothing listens on: bound once to have the system pick it, then released.
    /// Connecting to it is refused; a test may listen on it (or have a script listen on it) itself.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
