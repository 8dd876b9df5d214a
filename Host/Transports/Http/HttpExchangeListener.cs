using System.Net.ServerSentEvents;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

/// <summary>What a script asked to hear of its exchange besides the response.</summary>
internal enum HttpBodyStream
{
    /// <summary>The body arrives whole in <c>resp.body</c>.</summary>
    None,

    /// <summary><c>on_chunk</c>: the body in pieces.</summary>
    Chunks,

    /// <summary><c>on_event</c>: the body parsed as server-sent events.</summary>
    Events,
}

/// <summary>
/// The host's <see cref="IHttpExchangeListener"/> for one script request: progress goes through a
/// <see cref="ProgressThrottle"/>; pieces of the body (or the events parsed from them) are handed to
/// the menu thread one at a time, and the transport's next read waits until the script has had each,
/// so a slow script slows the download instead of filling memory.
/// </summary>
internal sealed class HttpExchangeListener : IHttpExchangeListener
{
    private const int FallbackPieceBytes = 64 * 1024;

    private readonly IHttpScriptSink _sink;
    private readonly long _id;
    private readonly HttpBodyStream _stream;
    private readonly ProgressThrottle? _download;
    private readonly ProgressThrottle? _upload;
    private SseEvents? _events;
    private bool _receivedPieces;

    // The one piece or event on its way to the menu thread, and what completes when the script had it.
    private ReadOnlyMemory<byte> _piece;
    private SseItem<string> _event;
    private TaskCompletionSource? _handed;
    private volatile bool _stopped;

    public HttpExchangeListener(IHttpScriptSink sink, long id, bool progress, bool uploadProgress, HttpBodyStream stream)
    {
        _sink = sink;
        _id = id;
        _stream = stream;
        _download = progress ? new ProgressThrottle(sink, id, 1) : null;
        _upload = uploadProgress ? new ProgressThrottle(sink, id, 2) : null;
    }

    public bool StreamsBody => _stream != HttpBodyStream.None;

    public void OnUploadProgress(long sent, long total) => _upload?.Update(sent, total);

    public void OnDownloadProgress(long received, long total) => _download?.Update(received, total);

    public ValueTask OnBodyChunkAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        _receivedPieces = true;
        if (_stream == HttpBodyStream.Events)
        {
            _events ??= new SseEvents(HandEventAsync, cancellationToken);
            return _events.WriteAsync(chunk, cancellationToken);
        }

        _piece = chunk;
        return HandAsync(static self => self._sink.DeliverChunk(self._id, self._piece.Span), cancellationToken);
    }

    /// <summary>
    /// The transport is done: a body it returned whole although pieces were asked for (a transport that
    /// does not stream, such as a replay) is handed on in pieces now, and the events still in the parser
    /// are delivered. Returns the result the script gets (its body empty when it was streamed).
    /// </summary>
    public async Task<HttpResult> CompleteAsync(HttpResult result, CancellationToken cancellationToken)
    {
        if (!StreamsBody)
        {
            return result;
        }

        if (!_receivedPieces && result.Body.Length > 0)
        {
            for (var offset = 0; offset < result.Body.Length && !cancellationToken.IsCancellationRequested; offset += FallbackPieceBytes)
            {
                var piece = result.Body.AsMemory(offset, Math.Min(FallbackPieceBytes, result.Body.Length - offset));
                await OnBodyChunkAsync(piece, cancellationToken).ConfigureAwait(false);
            }
        }

        if (_events is { } events)
        {
            await events.CompleteAsync().ConfigureAwait(false);
        }

        return result.Body.Length == 0 ? result : result with { Body = [] };
    }

    /// <summary>The response is about to reach the script (menu thread): the last progress first, then nothing more.</summary>
    public void Finish(HttpResult result)
    {
        _stopped = true;
        _download?.Finish(result.Status != 0 ? result.Body.Length : null);
        _upload?.Finish(null);
    }

    /// <summary>Cancelled or unloaded: nothing more reaches the script, and a waiting piece is let go.</summary>
    public void Stop()
    {
        _stopped = true;
        _download?.Stop();
        _upload?.Stop();
        _handed?.TrySetResult();
    }

    private ValueTask HandEventAsync(SseItem<string> item, CancellationToken cancellationToken)
    {
        _event = item;
        return HandAsync(static self => self._sink.DeliverEvent(self._id, self._event.EventType, self._event.Data, self._event.EventId), cancellationToken);
    }

    // One at a time: the next piece is read only after this completes.
    private async ValueTask HandAsync(Action<HttpExchangeListener> deliver, CancellationToken cancellationToken)
    {
        var handed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _handed = handed;
        _sink.Post(
            static (self, work) =>
            {
                var listener = (HttpExchangeListener)self!;
                if (!listener._stopped)
                {
                    ((Action<HttpExchangeListener>)work!)(listener);
                }

                listener._handed?.TrySetResult();
            },
            this,
            deliver);
        await handed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
