using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>
/// One accepted client: its socket, its own outgoing queue (drained on demand, on the thread pool),
/// and the receive loop that raises all of its events.
/// </summary>
/// <remarks>
/// Every event of a client is raised from <see cref="RunAsync"/>, so they come one at a time: OnOpen
/// (by the server, before RunAsync), messages, then at most one OnError and OnClose exactly once.
/// Whoever closes first (the peer, <see cref="RequestClose"/>, a failure) decides the reported code.
/// </remarks>
internal sealed class ClientConnection
{
    private readonly WebSocket _socket;
    private readonly IWebSocketServerEvents _events;
    private readonly long _maxMessageBytes;
    private readonly long _maxQueuedBytes;
    private readonly CancellationTokenSource _abort;
    private readonly IClientFrameScan? _frameScan;

    // The outgoing queue has no thread of its own: a drain runs when there is something to send
    // (_draining is 1 while one runs; it alone touches the socket's send side) and stops when the
    // queue is empty. Once the queue is closed the last drain sends the close frame.
    private readonly ConcurrentQueue<byte[]> _outgoing = new();
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _draining;
    private volatile bool _queueClosed;

    private readonly Lock _gate = new();
    private long _queuedBytes;
    private volatile bool _closing;
    private volatile bool _dropPending;
    private volatile bool _closedLocally;
    private bool _deadlineSet;
    private bool _finished;
    private int _closeCode;
    private string _closeReason = "";
    private string? _pendingError;

    /// <summary>Wraps an accepted socket; <see cref="RunAsync"/> starts it.</summary>
    /// <param name="id">The client id reported in every event.</param>
    /// <param name="socket">The accepted WebSocket.</param>
    /// <param name="events">Where the client's events go.</param>
    /// <param name="request">The server's limits.</param>
    /// <param name="requestAborted">Kestrel's abort of the underlying connection.</param>
    /// <param name="frameScan">What the server reads from the client's frame headers beside the socket (see <see cref="MaskCheckingStream"/>), or null.</param>
    public ClientConnection(
        long id,
        WebSocket socket,
        IWebSocketServerEvents events,
        WebSocketListenRequest request,
        CancellationToken requestAborted,
        IClientFrameScan? frameScan)
    {
        Id = id;
        _frameScan = frameScan;
        _socket = socket;
        _events = events;
        _maxMessageBytes = request.MaxMessageBytes;
        _maxQueuedBytes = request.MaxQueuedBytesPerClient;

        // Linked to HttpContext.RequestAborted: when Kestrel aborts the connection (shutdown), the
        // pending ReceiveAsync ends at once instead of holding the shutdown up.
        _abort = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);

        // Sends carry no token (see DrainAsync); an abort reaches a send stuck on a client that does
        // not read by aborting the socket, which fails whatever is pending on it.
        _abort.Token.UnsafeRegister(static socket => ((WebSocket)socket!).Abort(), socket);
    }

    public long Id { get; }

    /// <summary>True once the socket has failed the connection for a protocol violation (it sent 1002 or 1007 and gave up).</summary>
    public bool FailedProtocol { get; private set; }

    /// <summary>True until the connection starts closing, whoever closes it.</summary>
    public bool IsOpen => !_closing;

    /// <summary>Queues a text message; false when the connection is closing. Never blocks.</summary>
    /// <remarks>
    /// The array is shared with other clients by a broadcast and never written to. A client with a
    /// backlog that this message would grow past the limit is closed with 1008 and the message is not
    /// queued. A single message into an empty queue is always accepted (it is at most 64 MB), so the
    /// limit measures how far a client lags behind, not how big one message may be.
    /// </remarks>
    /// <param name="payload">The message; shared, never written to.</param>
    /// <param name="send">
    /// Start sending at once (on the thread pool). A broadcast passes false for every client and then
    /// calls <see cref="SendQueued"/> for all of them from one pool thread.
    /// </param>
    public bool TryEnqueue(byte[] payload, bool send = true)
    {
        if (_closing)
        {
            return false;
        }

        var queued = Interlocked.Add(ref _queuedBytes, payload.Length);
        if (queued > _maxQueuedBytes && queued != payload.Length)
        {
            Interlocked.Add(ref _queuedBytes, -payload.Length);
            RequestClose(
                WebSocketLimits.PolicyViolation,
                "client too slow",
                dropPending: true,
                error: $"client too slow: more than {_maxQueuedBytes} bytes waiting to be sent; closing with 1008",
                ServerSettings.CloseHandshakeTimeout);
            return false;
        }

        _outgoing.Enqueue(payload);
        if (send)
        {
            ScheduleDrain();
        }

        return true;
    }

    /// <summary>
    /// Sends what is queued from the calling thread, up to the first send the socket cannot take at
    /// once (the rest then follows in the background). Nothing happens while a drain is already running.
    /// </summary>
    public void SendQueued()
    {
        if (!_outgoing.IsEmpty && Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            _ = DrainAsync();
        }
    }

    /// <summary>
    /// Starts closing from this side: the writer sends what is queued (unless <paramref name="dropPending"/>),
    /// then the close frame; the connection is aborted if the close has not completed within
    /// <paramref name="timeout"/>. False when the connection was already closing.
    /// </summary>
    public bool RequestClose(int code, string reason, bool dropPending, string? error, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_closing || _finished)
            {
                return false;
            }

            _closing = true;
            _closedLocally = true;
            _closeCode = code;
            _closeReason = reason;
            _pendingError = error;
            _dropPending |= dropPending;
            SetDeadlineLocked(timeout);
        }

        CloseQueue();
        return true;
    }

    /// <summary>Runs the connection until it has ended, then raises OnError (if any) and OnClose.</summary>
    /// <param name="beforeClose">Called just before OnClose, to forget the client.</param>
    public async Task RunAsync(Action<ClientConnection> beforeClose)
    {
        try
        {
            await ReceiveLoopAsync(_abort.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            NoteFailure("connection aborted");
        }
        catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
        {
            NoteFailure("connection lost: the client went away without a close frame");
        }
        catch (WebSocketException ex)
        {
            // A protocol violation (bad UTF-8 in a text message, bad framing): the socket has already
            // sent the client the matching close frame (1007, 1002) and aborted.
            FailedProtocol = true;
            NoteFailure($"connection failed: {_frameScan?.Violation ?? ex.InnerException?.Message ?? ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            NoteFailure($"connection failed: {ex.Message}");
        }

        lock (_gate)
        {
            // Bound the writer's last step (our close frame or the echo of the peer's).
            SetDeadlineLocked(ServerSettings.CloseHandshakeTimeout);
        }

        CloseQueue();
        await _writerDone.Task.ConfigureAwait(false);

        int code;
        string reason;
        string? error;
        lock (_gate)
        {
            _finished = true;
            code = _closeCode;
            reason = _closeReason;
            error = _pendingError;
        }

        _abort.Dispose();
        beforeClose(this);
        if (error is not null)
        {
            Raise(() => _events.OnError(Id, error));
        }

        Raise(() => _events.OnClose(Id, code, reason));
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var assembly = new ArrayBufferWriter<byte>(ServerSettings.ReceiveChunkBytes);
        while (true)
        {
            var result = await _socket.ReceiveAsync(assembly.GetMemory(ServerSettings.ReceiveChunkBytes), cancellationToken)
                .ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                NotePeerClose();
                return;
            }

            // Once we are closing, whatever still arrives is read only to reach the peer's close frame.
            if (_closedLocally)
            {
                assembly.ResetWrittenCount();
                continue;
            }

            assembly.Advance(result.Count);

            // Mid-message, a frame header already announced more than the limit: the message is too
            // big, and that is known now, before megabytes of it are buffered.
            var announcedTooBig = !result.EndOfMessage && _frameScan?.LargestFrameAnnounced > (ulong)_maxMessageBytes;
            if (assembly.WrittenCount > _maxMessageBytes || announcedTooBig)
            {
                // Stop buffering now: from here on (we are closing) the rest is read and dropped.
                assembly = new ArrayBufferWriter<byte>(ServerSettings.ReceiveChunkBytes);
                Raise(() => _events.OnError(
                    Id, $"message larger than {_maxMessageBytes} bytes; closing with 1009"));
                RequestClose(
                    WebSocketLimits.MessageTooBig, "message too big", dropPending: true, error: null, ServerSettings.CloseHandshakeTimeout);
                continue;
            }

            if (result.EndOfMessage)
            {
                var payload = assembly.WrittenSpan.ToArray();
                if (assembly.Capacity > ServerSettings.KeptAssemblyBufferBytes)
                {
                    assembly = new ArrayBufferWriter<byte>(ServerSettings.ReceiveChunkBytes);
                }
                else
                {
                    assembly.ResetWrittenCount();
                }

                var isText = result.MessageType == WebSocketMessageType.Text;
                Raise(() => _events.OnMessage(Id, payload, isText));
            }
        }
    }

    // No more messages: the drain that finds the queue closed and empty sends the close frame.
    private void CloseQueue()
    {
        _queueClosed = true;
        ScheduleDrain();
    }

    private void ScheduleDrain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.DrainAsync(), this, preferLocal: false);
        }
    }

    // Runs with _draining = 1. Sends until the queue is empty, then lets go, unless a message or the
    // close arrived meanwhile (checked after letting go: Enqueue/CloseQueue then CAS, so one side sees the other).
    private async Task DrainAsync()
    {
        var cancellationToken = _abort.Token;
        try
        {
            while (true)
            {
                while (_outgoing.TryDequeue(out var payload))
                {
                    try
                    {
                        if (!_dropPending)
                        {
                            // No token: with one, every send takes ManagedWebSocket's slow path (an async
                            // lock wait and a registration); without, an uncontended send that the pipe
                            // takes at once completes synchronously. Aborts arrive through Abort() instead.
                            await _socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None)
                                .ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        Interlocked.Add(ref _queuedBytes, -payload.Length);
                    }
                }

                if (_queueClosed)
                {
                    break; // keeps _draining: nothing is sent after the close frame
                }

                Interlocked.Exchange(ref _draining, 0);
                if ((_outgoing.IsEmpty && !_queueClosed) || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                {
                    return;
                }
            }

            // The queue was closed: the connection is closing. Send our close frame, or echo the peer's.
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var (status, description) = CloseFrameToSend();
                await _socket.CloseOutputAsync(status, description, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The close deadline passed or Kestrel aborted the connection; the receive loop reports it.
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException && cancellationToken.IsCancellationRequested)
        {
            // A send failed because the socket was aborted (deadline or Kestrel); the receive loop reports it.
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            NoteFailure(ex.Message);

            // The receive loop may be waiting on a healthy-looking socket; end it too. The source is
            // disposed only after the writer has finished, so it is still alive here.
            await _abort.CancelAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Anything else is a bug: RunAsync gets it from _writerDone, as it got it from the old writer task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _writerDone.TrySetException(ex);
            return;
        }

        // Reached only by the closing drain, or after a failure (which keeps _draining: the socket is done).
        _writerDone.TrySetResult();
    }

    private (WebSocketCloseStatus Status, string? Description) CloseFrameToSend()
    {
        lock (_gate)
        {
            // 1005 means "no code in the peer's frame": the echo carries no code either.
            return _closeCode == 1005
                ? (WebSocketCloseStatus.Empty, null)
                : ((WebSocketCloseStatus)_closeCode, CloseCodes.TruncateReason(_closeReason));
        }
    }

    private void NotePeerClose()
    {
        lock (_gate)
        {
            if (!_closing)
            {
                _closing = true;
                _dropPending = true;
                _closeCode = (int?)_socket.CloseStatus ?? 1005;
                _closeReason = _socket.CloseStatusDescription ?? "";
            }

            SetDeadlineLocked(ServerSettings.CloseHandshakeTimeout);
        }

        CloseQueue();
    }

    private void NoteFailure(string message)
    {
        lock (_gate)
        {
            // After our own close request, an abort is only the deadline running out: nothing to report.
            if (!_closing)
            {
                _closing = true;
                _dropPending = true;
                _closeCode = WebSocketLimits.AbnormalClosure;
                _closeReason = "";
                _pendingError = message;
            }
        }
    }

    private void SetDeadlineLocked(TimeSpan timeout)
    {
        if (!_deadlineSet && !_finished)
        {
            _deadlineSet = true;
            _abort.CancelAfter(timeout);
        }
    }

    private static void Raise(Action raise)
    {
        try
        {
            raise();
        }
#pragma warning disable CA1031 // The contract forbids throwing; a faulty handler must not take the connection down.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
