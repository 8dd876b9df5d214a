using System.Net.WebSockets;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

// Lifetime and close state; the receive loop is in ClientConnection.Receive.cs, the outgoing queue
// and its drain in ClientConnection.Send.cs.
/// <summary>
/// One accepted client: its socket, its own outgoing queue (drained on demand, on the thread pool),
/// and the receive loop that raises all of its events.
/// </summary>
/// <remarks>
/// Every event of a client is raised from <see cref="RunAsync"/>, so they come one at a time: OnOpen
/// (by the server, before RunAsync), messages, then at most one OnError and OnClose exactly once.
/// Whoever closes first (the peer, <see cref="RequestClose"/>, a failure) decides the reported code.
/// </remarks>
internal sealed partial class ClientConnection
{
    private readonly WebSocket _socket;
    private readonly IWebSocketServerEvents _events;
    private readonly long _maxMessageBytes;
    private readonly ReassemblyBudget _budget;
    private readonly long _maxQueuedBytes;
    private readonly TimeSpan _pongTimeout;
    private readonly CancellationTokenSource _abort;
    private readonly IClientFrameScan? _frameScan;
    private readonly Action _stoppedBeingOpen;

    private readonly Lock _gate = new();
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
    /// <param name="budget">The server's budget for partly received messages (see <see cref="ReassemblyBudget"/>).</param>
    /// <param name="stoppedBeingOpen">Called once, when <see cref="IsOpen"/> turns false (the server keeps its count of open clients with it).</param>
    public ClientConnection(
        long id,
        WebSocket socket,
        IWebSocketServerEvents events,
        WebSocketListenRequest request,
        CancellationToken requestAborted,
        IClientFrameScan? frameScan,
        Action stoppedBeingOpen,
        ReassemblyBudget budget)
    {
        _budget = budget;
        Id = id;
        _frameScan = frameScan;
        _stoppedBeingOpen = stoppedBeingOpen;
        _socket = socket;
        _events = events;
        _maxMessageBytes = request.MaxMessageBytes;
        _maxQueuedBytes = request.MaxQueuedBytesPerClient;
        _pongTimeout = AcceptSettings.PongTimeout(request);

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

            StartClosingLocked();
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
        catch (Exception ex) when (AcceptSettings.IsPongTimeout(ex))
        {
            NoteFailure($"no pong within {_pongTimeout.TotalSeconds:0.###} s; connection dropped");
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

    private void NotePeerClose()
    {
        lock (_gate)
        {
            if (!_closing)
            {
                StartClosingLocked();
                _dropPending = true;
                // A close frame without a code is 1005 (RFC 6455 §7.1.5); the socket itself says 1000.
                _closeCode = _frameScan?.CloseWithoutCode == true ? 1005 : (int?)_socket.CloseStatus ?? 1005;
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
                StartClosingLocked();
                _dropPending = true;
                _closeCode = WebSocketLimits.AbnormalClosure;
                _closeReason = "";
                _pendingError = message;
            }
        }
    }

    // The one place _closing turns true: every caller holds _gate and has checked it was false, so the
    // server hears of each client once. Every way RunAsync ends (peer close, failure, abort) comes here first.
    private void StartClosingLocked()
    {
        _closing = true;
        _stoppedBeingOpen();
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
