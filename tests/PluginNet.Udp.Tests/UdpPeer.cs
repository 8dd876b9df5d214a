using System.Net;
using System.Net.Sockets;

namespace PluginNet.Udp.Tests;

/// <summary>The other end: a .NET socket on 127.0.0.1 that sends to a script and waits for its datagrams.</summary>
internal sealed class UdpPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public UdpPeer() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Send(int port, byte[] data) => _socket.SendTo(data, new IPEndPoint(IPAddress.Loopback, port));

    public async Task<(byte[] Data, int FromPort)> ReceiveAsync()
    {
        var buffer = new byte[70_000];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return (buffer[..received.ReceivedBytes], ((IPEndPoint)received.RemoteEndPoint).Port);
    }

    public void Dispose() => _socket.Dispose();
}
