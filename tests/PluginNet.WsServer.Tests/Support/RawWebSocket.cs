using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace PluginNet.WsServer.Tests.Support;

/// <summary>
/// A WebSocket client written by hand over a raw <see cref="TcpClient"/> to 127.0.0.1, for what
/// <c>ClientWebSocket</c> cannot do: read the handshake's status code, send a ping, stop half-way
/// through a handshake, and speak WebSocket badly on purpose (any bytes, any frame header: reserved
/// bits, opcodes, masking, lengths) and end abruptly. Every wait is bounded.
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

    /// <summary>Opens the TCP connection only; nothing is sent.</summary>
    /// <param name="port">Loopback port.</param>
    /// <param name="receiveBufferBytes">A small value keeps the kernel from buffering much for a client that never reads.</param>
    public static async Task<RawWebSocket> ConnectAsync(int port, int? receiveBufferBytes = null)
    {
        var tcp = new TcpClient { NoDelay = true };
        if (receiveBufferBytes is { } size)
        {
            tcp.ReceiveBufferSize = size;
        }

        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        await tcp.ConnectAsync("127.0.0.1", port, timeout.Token);
        return new RawWebSocket(tcp);
    }

    /// <summary>Connects and completes a correct handshake (asserting 101), ready for frames.</summary>
    public static async Task<RawWebSocket> OpenAsync(int port)
    {
        var client = await ConnectAsync(port);
        Assert.Equal(101, await client.HandshakeAsync(port));
        return client;
    }

    /// <summary>A correct upgrade request, with lines replaced or added through <paramref name="headers"/> (null value: left out).</summary>
    public static string HandshakeRequest(int port, IReadOnlyDictionary<string, string?>? headers = null, string requestLine = "GET / HTTP/1.1")
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Host"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["Upgrade"] = "websocket",
            ["Connection"] = "Upgrade",
            ["Sec-WebSocket-Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)),
            ["Sec-WebSocket-Version"] = "13",
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string?>())
        {
            all[name] = value;
        }

        var request = new StringBuilder(requestLine).Append("\r\n");
        foreach (var (name, value) in all.Where(h => h.Value is not null))
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return request.Append("\r\n").ToString();
    }

    /// <summary>Sends a correct upgrade request (with an Origin line when given) and returns the response's status code.</summary>
    public async Task<int> HandshakeAsync(int port, string? origin = null)
    {
        await SendTextAsync(HandshakeRequest(port, origin is null ? null : new Dictionary<string, string?> { ["Origin"] = origin }));
        return (await ReadResponseHeadAsync()).Status;
    }

    public Task SendTextAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Event);
        await _stream.WriteAsync(bytes, timeout.Token);
    }

    /// <summary>Sends one well-formed masked frame, as a client must.</summary>
    public Task SendFrameAsync(byte opcode, byte[] payload, bool fin = true) =>
        SendAsync(Frame((byte)((fin ? 0x80 : 0) | opcode), payload));

    /// <summary>
    /// A frame exactly as given: <paramref name="firstByte"/> is FIN, RSV1-3 and the opcode;
    /// the payload is masked with a random key unless <paramref name="masked"/> is false.
    /// </summary>
    public static byte[] Frame(byte firstByte, ReadOnlySpan<byte> payload, bool masked = true)
    {
        var mask = masked ? RandomNumberGenerator.GetBytes(4) : null;
        var header = Header(firstByte, payload.Length, mask);
        var frame = new byte[header.Length + payload.Length];
        header.CopyTo(frame, 0);
        for (var i = 0; i < payload.Length; i++)
        {
            frame[header.Length + i] = (byte)(payload[i] ^ (mask is null ? 0 : mask[i % 4]));
        }

        return frame;
    }

    /// <summary>
    /// Only the (masked) header of a frame announcing <paramref name="length"/> bytes. Its mask key is
    /// all zeroes, so the payload that follows can be sent as is, from any buffer.
    /// </summary>
    public static byte[] FrameHeader(byte firstByte, long length) => Header(firstByte, length, [0, 0, 0, 0]);

    private static byte[] Header(byte firstByte, long length, byte[]? mask)
    {
        var header = new List<byte> { firstByte };
        var maskBit = (byte)(mask is null ? 0 : 0x80);
        if (length < 126)
        {
            header.Add((byte)(maskBit | length));
        }
        else if (length <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(length >> 8));
            header.Add((byte)length);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            var eight = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(eight, length);
            header.AddRange(eight);
        }

        if (mask is not null)
        {
            header.AddRange(mask);
        }

        return [.. header];
    }

    /// <summary>Reads an HTTP response head (up to the blank line); returns its status code and the head's text.</summary>
    public async Task<(int Status, string Head)> ReadResponseHeadAsync()
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

        var text = head.ToString();
        return (int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture), text);
    }

    /// <summary>Reads server frames until a close frame and returns its code (1005 when it carries none).</summary>
    public async Task<int> ReadCloseCodeAsync()
    {
        while (true)
        {
            var (opcode, _, payload) = await ReadFrameAsync();
            if (opcode == 0x8)
            {
                return payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
            }
        }
    }

    /// <summary>Reads one frame from the server and returns its opcode and payload as UTF-8 text.</summary>
    public async Task<(byte Opcode, string Text)> ReadTextFrameAsync()
    {
        var (opcode, _, payload) = await ReadFrameAsync();
        return (opcode, Encoding.UTF8.GetString(payload));
    }

    /// <summary>Reads one frame from the server (which never masks).</summary>
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

        return ((byte)(head[0] & 0x0F), (head[0] & 0x80) != 0, await ReadExactlyAsync(checked((int)length)));
    }

    /// <summary>True when the server ends the TCP connection (read returns 0 or fails) within <paramref name="within"/>.</summary>
    public async Task<bool> ServerDroppedAsync(TimeSpan within)
    {
        var buffer = new byte[4096];
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

    /// <summary>Sends FIN (no more data from this side), as a client does once it has read the server's close.</summary>
    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Ends the connection with a TCP reset, no close frame, no FIN.</summary>
    public void Reset()
    {
        _tcp.LingerState = new LingerOption(true, 0);
        _tcp.Close();
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
