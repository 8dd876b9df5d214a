using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace PluginNet.WsServer.Tests.Support;

/// <summary>
/// A WebSocket client written by hand over <see cref="TcpClient"/>, for what <c>ClientWebSocket</c>
/// cannot do: send a ping, read the handshake's status code, stop half-way through a handshake.
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <param name="port">Loopback port.</param>
    /// <param name="receiveBufferBytes">A small value keeps the kernel from buffering much for a client that never reads.</param>
    public static async Task<RawWebSocket> OpenTcpAsync(int port, int? receiveBufferBytes = null)
    {
        var tcp = new TcpClient();
        if (receiveBufferBytes is { } size)
        {
            tcp.ReceiveBufferSize = size;
        }

        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        await tcp.ConnectAsync("127.0.0.1", port, timeout.Token);
        return new RawWebSocket(tcp);
    }

    /// <summary>Sends a WebSocket upgrade request and returns the response's status code.</summary>
    public async Task<int> HandshakeAsync(int port, string? origin = null)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = new StringBuilder()
            .Append("GET / HTTP/1.1\r\n")
            .Append($"Host: 127.0.0.1:{port}\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append($"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n");
        if (origin is not null)
        {
            request.Append($"Origin: {origin}\r\n");
        }

        await WriteAsync(request.Append("\r\n").ToString());
        return await ReadStatusAsync();
    }

    public async Task WriteAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text), timeout.Token);
    }

    /// <summary>Reads a response head (up to the blank line) and returns its status code.</summary>
    public async Task<int> ReadStatusAsync()
    {
        var head = new StringBuilder();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await _stream.ReadAsync(one, timeout.Token) == 0)
            {
                throw new IOException($"connection closed inside the response head: {head}");
            }

            head.Append((char)one[0]);
        }

        return int.Parse(head.ToString().Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Sends one masked frame, as a client must.</summary>
    public async Task SendFrameAsync(byte opcode, byte[] payload, bool fin = true)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            header.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            header.Add(0x80 | 126);
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }

        var mask = RandomNumberGenerator.GetBytes(4);
        header.AddRange(mask);
        var masked = payload.Select((b, i) => (byte)(b ^ mask[i % 4])).ToArray();
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        await _stream.WriteAsync(header.Concat(masked).ToArray(), timeout.Token);
    }

    /// <summary>Reads one (unmasked) frame from the server.</summary>
    public async Task<(byte Opcode, bool Fin, byte[] Payload)> ReadFrameAsync()
    {
        var head = await ReadExactlyAsync(2);
        long length = head[1] & 0x7F;
        if (length == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2));
        }
        else if (length == 127)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactlyAsync(8));
        }

        return ((byte)(head[0] & 0x0F), (head[0] & 0x80) != 0, await ReadExactlyAsync((int)length));
    }

    /// <summary>Completes true when the server closes the TCP connection (a read returns 0 or fails).</summary>
    public async Task<bool> WaitForServerToDropAsync(TimeSpan within)
    {
        var buffer = new byte[1024];
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (await _stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose() => _tcp.Dispose();

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[count];
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        await _stream.ReadExactlyAsync(buffer, timeout.Token);
        return buffer;
    }
}
