using System.Net;
using System.Net.Sockets;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Udp.Internal;

/// <summary>One bound socket: a receive loop on the thread pool reporting each datagram, and sends.</summary>
internal sealed class BoundSocket : IUdpSocket
{
    // The largest UDP payload over IPv4 is 65,507 bytes; one byte more tells a truncated datagram apart.
    private const int ReceiveBufferBytes = 65_508;

    private readonly Socket _socket;
    private readonly IUdpEvents _events;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly Lock _outboundGate = new();
    private Socket? _outbound;
    private int _closed;

    public BoundSocket(Socket socket, IUdpEvents events)
    {
        _socket = socket;
        _events = events;
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    public int Port { get; }

    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    public bool Send(IPEndPoint target, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!IsOpen)
        {
            return false;
        }

        try
        {
            // A socket bound to 127.0.0.1 can only reach loopback; another destination (allowed by the
            // host's permissions) goes out through a second socket bound to no particular address.
            var socket = IPAddress.IsLoopback(target.Address) ? _socket : Outbound(target.AddressFamily);
            return socket.SendTo(data, SocketFlags.None, target) == data.Length;
        }
        catch (SocketException)
        {
            return false; // e.g. no route; UDP promises nothing, so the script only hears false
        }
        catch (ObjectDisposedException)
        {
            return false; // closed meanwhile
        }
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _socket.Dispose(); // frees the port now; the receive loop ends with an exception it ignores
        lock (_outboundGate)
        {
            _outbound?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        await _receiving.ConfigureAwait(false);
        _stop.Dispose();
    }

    private Socket Outbound(AddressFamily family)
    {
        lock (_outboundGate)
        {
            ObjectDisposedException.ThrowIf(!IsOpen, this);
            if (_outbound is null || _outbound.AddressFamily != family)
            {
                _outbound?.Dispose();
                _outbound = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
            }

            return _outbound;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferBytes);
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        var senders = new SenderNames();
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || !IsOpen)
            {
                return; // closed
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                // An ICMP "port unreachable" from an earlier send, or a datagram larger than UDP allows.
                _events.OnError($"receive on port {Port} failed: {ex.SocketErrorCode}");
                continue;
            }
            catch (SocketException ex)
            {
                _events.OnError($"receive on port {Port} failed: {ex.SocketErrorCode}; the socket stops receiving");
                return;
            }

            var from = (IPEndPoint)received.RemoteEndPoint;
            _events.OnMessage(buffer.AsSpan(0, received.ReceivedBytes).ToArray(), senders.NameOf(from.Address), from.Port);
        }
    }
}
