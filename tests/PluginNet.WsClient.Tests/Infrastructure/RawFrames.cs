using System.Buffers.Binary;

namespace PluginNet.WsClient.Tests.Infrastructure;

/// <summary>Hand-made WebSocket frames (RFC 6455 §5.2) for a raw server session.</summary>
internal static class RawFrames
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>An unmasked server frame.</summary>
    public static byte[] Frame(byte opcode, ReadOnlySpan<byte> payload, bool fin = true)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            header.Add((byte)payload.Length);
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add(126);
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add(127);
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }

        return [.. header, .. payload];
    }

    public static byte[] CloseFrame(int code, string reason = "")
    {
        var payload = new byte[2 + System.Text.Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        System.Text.Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return Frame(Close, payload);
    }

    /// <summary>Reads one (masked) client frame.</summary>
    public static async Task<(byte Opcode, bool Fin, byte[] Payload)> ReadClientFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new byte[2];
        await stream.ReadExactlyAsync(head, cancellationToken);
        var fin = (head[0] & 0x80) != 0;
        var opcode = (byte)(head[0] & 0x0F);
        var masked = (head[1] & 0x80) != 0;
        long length = head[1] & 0x7F;
        if (length == 126)
        {
            var ext = new byte[2];
            await stream.ReadExactlyAsync(ext, cancellationToken);
            length = BinaryPrimitives.ReadUInt16BigEndian(ext);
        }
        else if (length == 127)
        {
            var ext = new byte[8];
            await stream.ReadExactlyAsync(ext, cancellationToken);
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(ext);
        }

        var mask = new byte[4];
        if (masked)
        {
            await stream.ReadExactlyAsync(mask, cancellationToken);
        }

        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] ^= mask[i % 4];
        }

        return (opcode, fin, payload);
    }

    /// <summary>Reads until the client hangs up (or the token fires); returns what it sent.</summary>
    public static async Task DrainUntilEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
        }
    }
}
