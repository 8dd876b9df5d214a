using System.Net;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// Wraps a request body to tell the listener how much of it was sent (and the idle watch that bytes
/// move). Any body kind works: the inner content writes through a counting stream.
/// </summary>
internal sealed class UploadProgressContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly IHttpExchangeListener? _listener;
    private readonly IdleWatch _idle;

    private UploadProgressContent(HttpContent inner, IHttpExchangeListener? listener, IdleWatch idle)
    {
        _inner = inner;
        _listener = listener;
        _idle = idle;
        foreach (var header in inner.Headers.NonValidated)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    /// <summary>The body wrapped when someone listens (a listener or an idle timeout); otherwise as it is.</summary>
    public static HttpContent? Wrap(HttpContent? content, IHttpExchangeListener? listener, IdleWatch idle) =>
        content is null || (listener is null && idle.Idle == Timeout.InfiniteTimeSpan)
            ? content
            : new UploadProgressContent(content, listener, idle);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var total = _inner.Headers.ContentLength ?? -1;
        var counting = new CountingStream(stream, total, _listener, _idle);
        await using (counting.ConfigureAwait(false))
        {
            await _inner.CopyToAsync(counting, context, cancellationToken).ConfigureAwait(false);
        }

        _listener?.OnUploadProgress(counting.Sent, total < 0 ? counting.Sent : total);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    // Passes writes through in slices of at most 64 KB so progress moves on a large single write too.
    private sealed class CountingStream(Stream target, long total, IHttpExchangeListener? listener, IdleWatch idle) : Stream
    {
        private const int Slice = 64 * 1024;

        public long Sent { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Sent; set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!buffer.IsEmpty)
            {
                var piece = buffer[..Math.Min(Slice, buffer.Length)];
                await target.WriteAsync(piece, cancellationToken).ConfigureAwait(false);
                buffer = buffer[piece.Length..];
                Sent += piece.Length;
                idle.Reset();
                listener?.OnUploadProgress(Sent, total);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => target.FlushAsync(cancellationToken);

        public override void Flush() => target.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        // The target is the connection's: never closed here.
        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
