using System.Net.WebSockets;

namespace PluginNet.Plugins.WsClient.Internal;

/// <summary>
/// Follows the frame headers coming from the server, beside the <see cref="ClientWebSocket"/>, for two
/// things the socket does not tell: whether a close frame carried no status code (RFC 6455 §7.1.5:
/// report 1005, where the socket says 1000), and whether the frame being received when it failed was
/// text (a text message that is not UTF-8, which the socket answers with 1007 and a bare exception).
/// </summary>
/// <remarks>
/// It sees the plaintext connection (after TLS for wss://) through the handshake handler's
/// <see cref="SocketsHttpHandler.PlaintextStreamFilter"/>: first the HTTP response head, then frames.
/// Reads pass through unchanged; nothing is written.
/// </remarks>
internal sealed class FrameWatch
{
    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    private int _headMatched;
    private bool _inFrames;
    private Part _part = Part.FirstByte;
    private byte _opcode;
    private bool _masked;
    private int _lengthBytesLeft;
    private ulong _length;
    private int _maskBytesLeft;
    private ulong _payloadLeft;
    private bool _messageIsText;

    private enum Part
    {
        FirstByte,
        SecondByte,
        ExtendedLength,
        MaskKey,
        Payload,
    }

    /// <summary>True once a close frame with no payload (so no status code) has arrived.</summary>
    public bool CloseWithoutCode { get; private set; }

    /// <summary>The status code of the close frame this side sent, once one was sent; 1005 for one without a code.</summary>
    public int? SentCloseCode { get; private set; }

    /// <summary>True while the last frame seen is part of a text message.</summary>
    public bool ReceivingText { get; private set; }

    /// <summary>A handler for <see cref="ClientWebSocket.ConnectAsync(Uri, HttpMessageInvoker, CancellationToken)"/> whose connection this watches.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        // What ClientWebSocket sets on its own handler.
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PlaintextStreamFilter = (context, _) => ValueTask.FromResult<Stream>(new WatchedStream(context.PlaintextStream, this)),
    };

    /// <summary>Whether <paramref name="failure"/> is the socket refusing a text message that is not UTF-8 (it has sent 1007).</summary>
    public bool IsInvalidText(Exception failure) =>
        ReceivingText && failure is WebSocketException { WebSocketErrorCode: WebSocketError.Faulted, InnerException: null };

    private void Scan(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (!_inFrames && i < bytes.Length)
        {
            _headMatched = bytes[i] == EndOfHead[_headMatched] ? _headMatched + 1 : bytes[i] == EndOfHead[0] ? 1 : 0;
            i++;
            _inFrames = _headMatched == EndOfHead.Length;
        }

        while (i < bytes.Length)
        {
            switch (_part)
            {
                case Part.FirstByte:
                    _opcode = (byte)(bytes[i++] & 0x0F);
                    if (_opcode < 0x8)
                    {
                        // Data: text, binary, or a continuation of the message before.
                        _messageIsText = _opcode == 0x1 || (_opcode == 0x0 && _messageIsText);
                        ReceivingText = _messageIsText;
                    }

                    _part = Part.SecondByte;
                    break;

                case Part.SecondByte:
                    _masked = (bytes[i] & 0x80) != 0;
                    _length = (ulong)(bytes[i++] & 0x7F);
                    _lengthBytesLeft = _length switch { 126 => 2, 127 => 8, _ => 0 };
                    if (_lengthBytesLeft > 0)
                    {
                        _length = 0;
                        _part = Part.ExtendedLength;
                    }
                    else
                    {
                        HeaderDone();
                    }

                    break;

                case Part.ExtendedLength:
                    _length = (_length << 8) | bytes[i++];
                    if (--_lengthBytesLeft == 0)
                    {
                        HeaderDone();
                    }

                    break;

                case Part.MaskKey:
                    var maskBytes = Math.Min(_maskBytesLeft, bytes.Length - i);
                    _maskBytesLeft -= maskBytes;
                    i += maskBytes;
                    if (_maskBytesLeft == 0)
                    {
                        StartPayload();
                    }

                    break;

                case Part.Payload:
                    var payloadBytes = (int)Math.Min(_payloadLeft, (ulong)(bytes.Length - i));
                    _payloadLeft -= (ulong)payloadBytes;
                    i += payloadBytes;
                    if (_payloadLeft == 0)
                    {
                        _part = Part.FirstByte;
                    }

                    break;
            }
        }
    }

    // The socket writes each frame it sends in one piece (header, mask key, payload). Client frames are
    // masked: a close frame's code is the first two payload bytes, unmasked.
    private void ScanWrite(ReadOnlySpan<byte> frame)
    {
        if (SentCloseCode is not null || frame.Length < 2 || (frame[0] & 0x0F) != 0x8)
        {
            return;
        }

        var masked = (frame[1] & 0x80) != 0;
        var length = frame[1] & 0x7F;
        var start = masked ? 6 : 2;
        if (length < 2 || length > 125 || frame.Length < start + 2)
        {
            SentCloseCode = 1005;
            return;
        }

        int high = frame[start], low = frame[start + 1];
        if (masked)
        {
            high ^= frame[2];
            low ^= frame[3];
        }

        SentCloseCode = (high << 8) | low;
    }

    private void HeaderDone()
    {
        if (_opcode == 0x8 && _length == 0)
        {
            CloseWithoutCode = true;
        }

        _maskBytesLeft = _masked ? 4 : 0;
        if (_masked)
        {
            _part = Part.MaskKey;
        }
        else
        {
            StartPayload();
        }
    }

    private void StartPayload()
    {
        _payloadLeft = _length;
        _part = _payloadLeft == 0 ? Part.FirstByte : Part.Payload;
    }

    /// <summary>The connection's stream, with every byte read shown to the watch.</summary>
    private sealed class WatchedStream(Stream inner, FrameWatch watch) : Stream
    {
        public override bool CanRead => true;

        public override bool CanWrite => inner.CanWrite;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            watch.Scan(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            watch.Scan(buffer.AsSpan(offset, read));
            return read;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            watch.ScanWrite(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            watch.ScanWrite(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override ValueTask DisposeAsync() => inner.DisposeAsync();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
