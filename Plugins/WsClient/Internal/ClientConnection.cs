using System.Threading.Channels;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsClient.Internal;

/// <summary>
/// One outgoing connection. A run task connects, receives and reports every event (so events come
/// one at a time, in order, from one place); a writer loop drains the outgoing queue and sends the
/// close frame after it. This file holds its state and the calls the host makes; the rest is in
/// ClientConnection.Connect.cs, .Receive.cs, .Send.cs and .Ending.cs.
/// </summary>
/// <remarks>
/// Locally started closes (<see cref="CloseAsync"/>, an oversized message) report the code and reason
/// that were sent; a close started by the server reports the server's code and reason; anything that
/// ends without a close handshake reports 1006.
/// </remarks>
internal sealed partial class ClientConnection : IWebSocketConnection
{
    private const int StateConnecting = 0;
    private const int StateOpen = 1;
    private const int StateClosing = 2;
    private const int StateClosed = 3;

    // How long the server gets to answer a close frame (ours or its echo) before the socket is aborted.
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocketConnectRequest _request;
    private readonly IWebSocketEvents _events;
    private readonly Action<ClientConnection> _onEnded;
    private readonly CancellationTokenSource _abort = new();
    private readonly Channel<Outgoing> _outgoing = Channel.CreateUnbounded<Outgoing>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly FrameWatch _frames = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    // Guarded by _gate (read without it only through Volatile).
    private int _state = StateConnecting;
    private Initiator _initiator;
    private AbortCause _abortCause;
    private int _localCode;
    private string _localReason = string.Empty;

    // Written by the writer loop, read by the run task after the writer has ended.
    private bool _closeSent;
    private Exception? _sendFailure;
    private string? _startFailure;

    // Bytes accepted by Send and not yet handed to the socket (any thread).
    private long _queuedBytes;

    public ClientConnection(WebSocketConnectRequest request, IWebSocketEvents events, Action<ClientConnection> onEnded)
    {
        _request = request;
        _events = new GuardedEvents(events);
        _onEnded = onEnded;
    }

    private enum Initiator
    {
        None,
        Local,
        Peer,
    }

    private enum AbortCause
    {
        None,
        ClosedWhileConnecting,
        CloseCancelled,
        Disposed,
    }

    private readonly record struct Outgoing(ReadOnlyMemory<byte> Payload, bool IsText);

    private enum ReceiveEndKind
    {
        CloseFrame,
        Failed,
    }

    /// <inheritdoc />
    public bool IsOpen => Volatile.Read(ref _state) == StateOpen;

    /// <summary>Starts the background work. Returns at once.</summary>
    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>Starts a connection that fails at once with <paramref name="reason"/> (OnError, then OnClose 1006).</summary>
    public void StartFailed(string reason)
    {
        _startFailure = reason;
        Start();
    }

    /// <inheritdoc />
    public long BufferedBytes => Interlocked.Read(ref _queuedBytes);

    /// <inheritdoc />
    public bool Send(ReadOnlyMemory<byte> text) => Send(text, isText: true);

    /// <inheritdoc />
    /// <remarks>
    /// With a cap (<see cref="WebSocketConnectRequest.MaxQueuedBytes"/>), a message that would grow the
    /// queue past it is refused, unless the queue is empty (one message of any allowed size always goes).
    /// </remarks>
    public bool Send(ReadOnlyMemory<byte> payload, bool isText)
    {
        lock (_gate)
        {
            if (_state != StateOpen)
            {
                return false;
            }

            var queued = Interlocked.Read(ref _queuedBytes);
            if (_request.MaxQueuedBytes > 0 && queued > 0 && queued + payload.Length > _request.MaxQueuedBytes)
            {
                return false;
            }

            Interlocked.Add(ref _queuedBytes, payload.Length);
            return _outgoing.Writer.TryWrite(new Outgoing(payload, isText));
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Completes normally when the connection has ended; when <paramref name="cancellationToken"/> fires
    /// first, the connection is aborted (it then reports 1006) and the task completes once it has ended.
    /// A close requested while still connecting abandons the connect and reports 1006.
    /// </remarks>
    public Task CloseAsync(int code, string reason, CancellationToken cancellationToken)
    {
        if (!WebSocketCloseRules.IsSendable(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "a close code must be " + WebSocketCloseRules.SendableCodes);
        }

        BeginLocalClose(code, reason ?? string.Empty);
        return WaitForEndAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Abort(AbortCause.Disposed);
        await _completion.Task.ConfigureAwait(false);
    }

    private void BeginLocalClose(int code, string reason)
    {
        var abortConnect = false;
        lock (_gate)
        {
            if (_initiator != Initiator.None || _state is not (StateConnecting or StateOpen))
            {
                return;
            }

            abortConnect = _state == StateConnecting;
            _state = StateClosing;
            _initiator = Initiator.Local;
            _localCode = code;
            _localReason = WebSocketCloseRules.TruncateReason(reason);
        }

        if (abortConnect)
        {
            Abort(AbortCause.ClosedWhileConnecting);
        }
        else
        {
            // Completing the queue after the state change: every send accepted so far goes out before the close frame.
            _outgoing.Writer.TryComplete();
        }
    }

    private async Task WaitForEndAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort(AbortCause.CloseCancelled);
            await _completion.Task.ConfigureAwait(false);
        }
    }

    private void Abort(AbortCause cause)
    {
        lock (_gate)
        {
            if (_state == StateClosed)
            {
                return;
            }

            if (_abortCause == AbortCause.None)
            {
                _abortCause = cause;
            }

            if (_state < StateClosing)
            {
                _state = StateClosing;
            }
        }

        CancelQuietly();
    }

    private void CancelQuietly()
    {
        try
        {
            // Aborts the socket: pending receive and send fail at once.
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile; nothing left to abort.
        }
    }
}
