using Microsoft.AspNetCore.Http.Features;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>
/// The upgraded connection as the server's WebSocket reads it, with one rule .NET does not enforce
/// on the server side: every frame from a client must be masked (RFC 6455 §5.1).
/// </summary>
/// <remarks>
/// It follows the frame headers in the bytes coming from the client. When a header says "not
/// masked", it sets a reserved bit (RSV2) in that header before the socket sees it; the socket
/// rejects reserved bits the standard way: close frame 1002 (protocol error), then an exception,
/// which the connection reports with <see cref="Violation"/> as the reason. A read that would end
/// right after a header's first byte reads one byte more (the second one, which holds the mask
/// bit) and keeps it for the next read, so that first byte can still be changed. A server socket
/// waits for a masked header's length (six bytes or more) before it looks at a header; after the
/// refused header, reads are filled with zeroes up to that length, so the refusal does not wait for
/// the client to send more. Writes pass through.
/// </remarks>
internal sealed class MaskCheckingStream(Stream inner) : Stream, IClientFrameScan
{
    private const byte ReservedBit2 = 0x20;

    // The longest header: 2 bytes, 8 of extended length, 4 of mask key.
    private const int LongestHeader = 14;

    private readonly byte[] _lookahead = new byte[1];
    private bool _hasLookahead;
    private bool _endOfStream;

    // Where the scan is in the client's frame stream.
    private Part _part = Part.FirstByte;
    private int _lengthBytesLeft;
    private ulong _length;
    private int _maskBytesLeft;
    private ulong _payloadLeft;
    private bool _stopped;
    private int _fillerLeft;
    private bool _isClose;

    private enum Part
    {
        FirstByte,
        SecondByte,
        ExtendedLength,
        MaskKey,
        Payload,
    }

    /// <summary>Why the connection is being refused, once an unmasked frame was seen; null before.</summary>
    public string? Violation { get; private set; }

    /// <summary>The largest payload length any frame header from the client has announced so far.</summary>
    public ulong LargestFrameAnnounced { get; private set; }

    /// <summary>True once the client sent a close frame with no payload, so no status code (reported as 1005).</summary>
    public bool CloseWithoutCode { get; private set; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        // A byte read ahead has been checked already.
        if (_hasLookahead)
        {
            buffer.Span[0] = _lookahead[0];
            _hasLookahead = false;
            return 1;
        }

        if (_fillerLeft > 0)
        {
            var count = Math.Min(_fillerLeft, buffer.Length);
            buffer.Span[..count].Clear();
            _fillerLeft -= count;
            return count;
        }

        if (_endOfStream)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read == 0 || _stopped)
        {
            return read;
        }

        Scan(buffer.Span[..read], firstByteBefore: null);
        if (_part == Part.SecondByte && !_stopped)
        {
            // The read ended on a header's first byte: read its second byte, which says whether the
            // frame is masked, while the first one can still be changed in the caller's buffer.
            if (await inner.ReadAsync(_lookahead, cancellationToken).ConfigureAwait(false) == 0)
            {
                _endOfStream = true;
            }
            else
            {
                _hasLookahead = true;
                Scan(_lookahead, buffer.Slice(read - 1, 1));
            }
        }

        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("the WebSocket reads asynchronously");

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

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

    private void NoteLength()
    {
        if (_length > LargestFrameAnnounced)
        {
            LargestFrameAnnounced = _length;
        }
    }

    /// <param name="bytes">The next bytes from the client, in place (a header's first byte may be changed).</param>
    /// <param name="firstByteBefore">Where the current header's first byte is when it is not in <paramref name="bytes"/>.</param>
    private void Scan(Span<byte> bytes, Memory<byte>? firstByteBefore)
    {
        var i = 0;
        while (i < bytes.Length && !_stopped)
        {
            switch (_part)
            {
                case Part.FirstByte:
                    _isClose = (bytes[i] & 0x0F) == 0x8;
                    _part = Part.SecondByte;
                    i++;
                    break;

                case Part.SecondByte:
                    var second = bytes[i];
                    if ((second & 0x80) == 0)
                    {
                        if (i > 0)
                        {
                            bytes[i - 1] |= ReservedBit2;
                        }
                        else
                        {
                            // Never null here: a read never ends on a first byte without the second read ahead.
                            firstByteBefore!.Value.Span[0] |= ReservedBit2;
                        }

                        Violation = "a frame from the client was not masked (RFC 6455 §5.1); closed with 1002";
                        _stopped = true; // the socket fails on this header: nothing after it matters
                        _fillerLeft = LongestHeader;
                        return;
                    }

                    _length = (ulong)(second & 0x7F);
                    _lengthBytesLeft = _length switch { 126 => 2, 127 => 8, _ => 0 };
                    if (_lengthBytesLeft > 0)
                    {
                        _length = 0;
                    }

                    _maskBytesLeft = 4;
                    if (_lengthBytesLeft == 0)
                    {
                        NoteLength();
                        CloseWithoutCode |= _isClose && _length == 0;
                    }

                    _part = _lengthBytesLeft > 0 ? Part.ExtendedLength : Part.MaskKey;
                    i++;
                    break;

                case Part.ExtendedLength:
                    _length = (_length << 8) | bytes[i];
                    i++;
                    if (--_lengthBytesLeft == 0)
                    {
                        if (_length > long.MaxValue)
                        {
                            _stopped = true; // an invalid length: the socket refuses the frame itself
                            return;
                        }

                        NoteLength();
                        _part = Part.MaskKey;
                    }

                    break;

                case Part.MaskKey:
                    var maskBytes = Math.Min(_maskBytesLeft, bytes.Length - i);
                    _maskBytesLeft -= maskBytes;
                    i += maskBytes;
                    if (_maskBytesLeft == 0)
                    {
                        _payloadLeft = _length;
                        _part = _payloadLeft == 0 ? Part.FirstByte : Part.Payload;
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
}

/// <summary>What the server learns from a client's frame headers beside the socket.</summary>
internal interface IClientFrameScan
{
    /// <summary>Why the connection is being refused by a rule the socket does not check; null if none.</summary>
    string? Violation { get; }

    /// <summary>The largest payload length any frame header has announced so far.</summary>
    ulong LargestFrameAnnounced { get; }

    /// <summary>True once a close frame without a status code has arrived (RFC 6455 §7.1.5: report 1005).</summary>
    bool CloseWithoutCode { get; }
}

/// <summary>Hands the WebSocket middleware a <see cref="MaskCheckingStream"/> instead of the raw upgraded connection.</summary>
internal sealed class MaskCheckingUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    /// <summary>The stream given out by <see cref="UpgradeAsync"/>; null before the upgrade.</summary>
    public MaskCheckingStream? Stream { get; private set; }

    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    public async Task<Stream> UpgradeAsync()
    {
        Stream = new MaskCheckingStream(await inner.UpgradeAsync().ConfigureAwait(false));
        return Stream;
    }
}
