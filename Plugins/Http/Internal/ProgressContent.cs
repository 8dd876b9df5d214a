using System.Net;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// Wraps a request body and tells the listener how many bytes of it have been written to the
/// connection: the upload progress of a multipart or file body. The inner content is written
/// through as it streams; nothing is buffered here.
/// </summary>
internal sealed class ProgressContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly IHttpExchangeListener _listener;

    public ProgressContent(HttpContent inner, IHttpExchangeListener listener)
    {
        _inner = inner;
        _listener = listener;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var total = Headers.ContentLength ?? -1;
        var counting = new CountingWriteStream(stream, total, _listener);
        await _inner.CopyToAsync(counting, context, cancellationToken).ConfigureAwait(false);
        counting.Finish();
    }

    protected override bool TryComputeLength(out long length)
    {
        if (_inner.Headers.ContentLength is { } known)
        {
            length = known;
            return true;
        }

        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Passes writes through to the connection, counting them.</summary>
    private sealed class CountingWriteStream(Stream inner, long total, IHttpExchangeListener listener) : Stream
    {
        private long _sent;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _sent;
            set => throw new NotSupportedException();
        }

        // With a known total the last write already reported it; an unknown one ends as what was sent.
        public void Finish()
        {
            if (total < 0)
            {
                listener.OnUploadProgress(_sent, _sent);
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            Count(buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Count(count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Count(buffer.Length);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Count(int bytes)
        {
            if (bytes == 0)
            {
                return;
            }

            _sent += bytes;
            listener.OnUploadProgress(_sent, total);
        }
    }
}
