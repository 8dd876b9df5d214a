using System.Net;

namespace PluginNet.Core.Transports;

/// <summary>Binds loopback UDP sockets for <c>net.udp</c>. Exported by a UDP plugin.</summary>
public interface IUdpTransport
{
    /// <summary>Binds 127.0.0.1:<paramref name="port"/> (0 picks a free port) and starts receiving.</summary>
    /// <remarks>
    /// Synchronous because the Lua API returns the socket (or nil) at once; binding a UDP socket never
    /// waits on the network. Throws <see cref="PortInUseException"/> when the port is taken.
    /// </remarks>
    IUdpSocket Bind(int port, IUdpEvents events);
}

/// <summary>What a socket reports back to the host.</summary>
/// <remarks>
/// Called on the plugin's receive thread, one call at a time, in arrival order. Return quickly (post
/// the work elsewhere) and never throw. Nothing is reported after <see cref="IUdpSocket.Close"/>.
/// </remarks>
public interface IUdpEvents
{
    /// <summary>One datagram arrived. The array now belongs to the receiver.</summary>
    void OnMessage(byte[] data, string fromHost, int fromPort);

    /// <summary>Something failed on the socket; it stays open unless it was closed.</summary>
    void OnError(string message);
}

/// <summary>A bound UDP socket. Disposing closes it like <see cref="Close"/> and waits for its receive loop.</summary>
public interface IUdpSocket : IAsyncDisposable
{
    /// <summary>The bound port.</summary>
    int Port { get; }

    /// <summary>True until <see cref="Close"/>.</summary>
    bool IsOpen { get; }

    /// <summary>Sends one datagram; false once closed or when the operating system refuses it. Never blocks.</summary>
    bool Send(IPEndPoint target, ReadOnlySpan<byte> data);

    /// <summary>Stops receiving and frees the port at once. A second call is a no-op.</summary>
    void Close();
}
