using System.Composition;
using System.Net;
using System.Net.Sockets;
using PluginNet.Core.Transports;
using PluginNet.Plugins.Udp.Internal;

namespace PluginNet.Plugins.Udp;

/// <summary>UDP sockets bound to 127.0.0.1, on <see cref="Socket"/>.</summary>
[Export(typeof(IUdpTransport))]
public sealed class SocketUdpTransport : IUdpTransport
{
    /// <inheritdoc />
    public IUdpSocket Bind(int port, IUdpEvents events)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        ArgumentNullException.ThrowIfNull(events);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            socket.Dispose();
            throw new PortInUseException(port, ex);
        }

        return new BoundSocket(socket, events);
    }
}
