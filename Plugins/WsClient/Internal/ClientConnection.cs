using System.Net.WebSockets;
using System.Threading.Channels;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsClient.Internal;

/// <summary>
/// One outgoing connection. A run task connects, receives and reports every event (so events come
/// one at a time, in order, from one place); a writer loop drains the outgoing queue and sends the
/// close frame after it.
/// </summary>
/// <remarks>
/// Locally started closes (<see cref="CloseAsync"/>, an oversized message) report the code and reason
/// that were sent; a close started by the server reports the server's code and reason; anything that
/// ends without a close handshake reports 1006.
/// </remarks>
internal sealed class ClientConnection : IWebSocketConnection
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
    private readonly Channel<ReadOnlyMemory<byte>> _outgoing = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(
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
    public bool Send(ReadOnlyMemory<byte> text)
    {
        lock (_gate)
        {
            return _state == StateOpen && _outgoing.Writer.TryWrite(text);
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
        if (!ClientRules.IsSendableCloseCode(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "a close code must be 1000-4999 and not 1004-1006 or 1015");
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
            _localReason = ClientRules.TrimCloseReason(reason);
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

    private async Task RunAsync()
    {
        ClientWebSocket? socket = null;
        Ending ending;
        try
        {
            ending = await RunCoreAsync(s => socket = s).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A bug here must still end the connection with OnClose, never crash the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var message = $"internal error in the WebSocket client: {ex.Message}";
            ending = new Ending(WebSocketLimits.AbnormalClosure, message, message);
        }

        lock (_gate)
        {
            _state = StateClosed;
        }

        _outgoing.Writer.TryComplete();
        socket?.Dispose();
        _abort.Dispose();

        if (ending.Error is not null)
        {
            _events.OnError(ending.Error);
        }

        _events.OnClose(ending.Code, ending.Reason);
        _onEnded(this);
        _completion.TrySetResult();
    }

    private async Task<Ending> RunCoreAsync(Action<ClientWebSocket> created)
    {
        if (_startFailure is not null)
        {
            return Ending.Failed(_startFailure);
        }

        if (!ClientRules.TryParseUrl(_request.Url, out var uri, out var urlError))
        {
            return Ending.Failed(urlError);
        }

        var socket = new ClientWebSocket();
        created(socket);
        socket.Options.CollectHttpResponseDetails = true;
        uri = UrlCredentials.Apply(uri, socket.Options);

        // The connection's handler lives as long as the connection: the watch reads its frames.
        using var handler = _frames.CreateHandler();
        using var invoker = new HttpMessageInvoker(handler);
        var failure = await ConnectAsync(socket, uri, invoker).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure.Value;
        }

        lock (_gate)
        {
            if (_state != StateConnecting)
            {
                // Closed or disposed while the handshake was finishing: never report an open.
                return EndedBeforeOpen();
            }

            _state = StateOpen;
        }

        _events.OnOpen();
        var writer = WriteLoopAsync(socket);
        var received = await ReceiveLoopAsync(socket).ConfigureAwait(false);

        Initiator initiator;
        lock (_gate)
        {
            if (_state == StateOpen)
            {
                _state = StateClosing;
            }

            if (received.Kind == ReceiveEndKind.CloseFrame && _initiator == Initiator.None)
            {
                _initiator = Initiator.Peer;
            }

            initiator = _initiator;
        }

        _outgoing.Writer.TryComplete();
        if (received.Kind == ReceiveEndKind.CloseFrame)
        {
            // The writer finishes the message it is on (or sends our close); a stuck server gets aborted.
            _abort.CancelAfter(CloseHandshakeTimeout);
        }
        else
        {
            // The socket is broken; make sure the writer stops too.
            CancelQuietly();
        }

        await writer.ConfigureAwait(false);

        if (received.Kind == ReceiveEndKind.CloseFrame && initiator == Initiator.Peer)
        {
            await EchoCloseAsync(socket).ConfigureAwait(false);
        }

        return Report(socket, received, initiator);
    }

    private async Task<Ending?> ConnectAsync(ClientWebSocket socket, Uri uri, HttpMessageInvoker invoker)
    {
        var timeout = _request.ConnectTimeout > TimeSpan.Zero ? _request.ConnectTimeout : WebSocketLimits.HandshakeTimeout;
        using var connectCts = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        connectCts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(uri, invoker, connectCts.Token).ConfigureAwait(false);
            return null;
        }
#pragma warning disable CA1031 // Every connect failure becomes OnError + OnClose(1006).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (_abort.IsCancellationRequested)
            {
                return EndedBeforeOpen();
            }

            var url = ClientRules.Shorten(_request.Url);
            if (connectCts.IsCancellationRequested)
            {
                return Ending.Failed($"cannot connect to {url}: timed out after {timeout.TotalSeconds:0.###} s");
            }

            if (ex is ArgumentException)
            {
                return Ending.Failed($"malformed URL '{url}': {ex.Message}");
            }

            return Ending.Failed($"cannot connect to {url}: {FailureText.DescribeConnect(ex, (int)socket.HttpStatusCode)}");
        }
    }

    private Ending EndedBeforeOpen()
    {
        AbortCause cause;
        lock (_gate)
        {
            cause = _abortCause;
        }

        return cause == AbortCause.ClosedWhileConnecting
            ? new Ending(WebSocketLimits.AbnormalClosure, "closed before the connection was established", null)
            : new Ending(WebSocketLimits.AbnormalClosure, "connection aborted before it was established", null);
    }

    private async Task<ReceiveEnd> ReceiveLoopAsync(ClientWebSocket socket)
    {
        using var message = new MessageBuffer(_request.MaxMessageBytes);
        var inMessage = false;
        var discarding = false;
        var isText = false;
        try
        {
            while (true)
            {
                var space = discarding ? message.Discard() : message.GetSpace();
                var result = await socket.ReceiveAsync(space, _abort.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return new ReceiveEnd(ReceiveEndKind.CloseFrame, null, MidMessage: inMessage);
                }

                if (discarding)
                {
                    discarding = !result.EndOfMessage;
                    continue;
                }

                if (!inMessage)
                {
                    inMessage = true;
                    isText = result.MessageType == WebSocketMessageType.Text;
                }

                if (!message.Advance(result.Count))
                {
                    // Over the limit: stop buffering, say so, close with 1009 and throw the rest away.
                    message.Reset();
                    inMessage = false;
                    discarding = !result.EndOfMessage;
                    var text = $"incoming message exceeds the {ClientRules.LimitText(_request.MaxMessageBytes)} limit";
                    _events.OnError(text);
                    BeginLocalClose(WebSocketLimits.MessageTooBig, text);
                    continue;
                }

                if (result.EndOfMessage)
                {
                    inMessage = false;
                    if (IsOpen)
                    {
                        _events.OnMessage(message.Take(), isText);
                    }
                    else
                    {
                        // Closing: like a browser, messages that arrive after close() are dropped.
                        message.Reset();
                    }
                }
            }
        }
#pragma warning disable CA1031 // Any receive failure ends the connection with OnError + OnClose.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new ReceiveEnd(ReceiveEndKind.Failed, ex, MidMessage: inMessage);
        }
    }

    private async Task WriteLoopAsync(ClientWebSocket socket)
    {
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var payload))
                {
                    if (PeerClosed())
                    {
                        continue; // the server closed first: what is still queued is dropped
                    }

                    await socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, _abort.Token).ConfigureAwait(false);
                }
            }

            int code;
            string reason;
            lock (_gate)
            {
                if (_initiator != Initiator.Local)
                {
                    return;
                }

                code = _localCode;
                reason = _localReason;
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, _abort.Token).ConfigureAwait(false);
                _closeSent = true;
                _abort.CancelAfter(CloseHandshakeTimeout);
            }
        }
#pragma warning disable CA1031 // A send failure is reported by the run task as OnError + OnClose(1006).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (!_abort.IsCancellationRequested)
            {
                _sendFailure = ex;
                CancelQuietly();
            }
        }
    }

    private bool PeerClosed()
    {
        lock (_gate)
        {
            return _initiator == Initiator.Peer;
        }
    }

    private async Task EchoCloseAsync(ClientWebSocket socket)
    {
        if (socket.State != WebSocketState.CloseReceived)
        {
            return;
        }

        try
        {
            var status = socket.CloseStatus ?? WebSocketCloseStatus.Empty;
            var description = status == WebSocketCloseStatus.Empty ? null : socket.CloseStatusDescription;
            await socket.CloseOutputAsync(status, description, _abort.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The server already closed; a failed echo changes nothing the script sees.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private Ending Report(ClientWebSocket socket, ReceiveEnd received, Initiator initiator)
    {
        AbortCause cause;
        int localCode;
        string localReason;
        lock (_gate)
        {
            cause = _abortCause;
            localCode = _localCode;
            localReason = _localReason;
        }

        if (received.Kind == ReceiveEndKind.CloseFrame)
        {
            if (initiator == Initiator.Local)
            {
                return new Ending(localCode, localReason, null);
            }

            // A close frame without a code is 1005 (RFC 6455 §7.1.5); the socket itself says 1000.
            var status = !_frames.CloseWithoutCode && socket.CloseStatus is { } s && s != WebSocketCloseStatus.Empty ? (int)s : 1005;
            var error = received.MidMessage
                ? "the server closed the connection in the middle of a message; the partial message was dropped"
                : null;
            return new Ending(status, socket.CloseStatusDescription ?? string.Empty, error);
        }

        switch (cause)
        {
            case AbortCause.Disposed:
                return new Ending(WebSocketLimits.AbnormalClosure, "connection aborted", null);
            case AbortCause.CloseCancelled:
                return new Ending(WebSocketLimits.AbnormalClosure, "close cancelled; connection aborted", null);
        }

        if (_sendFailure is null && _frames.IsInvalidText(received.Exception!))
        {
            // The socket has answered with a close frame 1007 (invalid payload data): report what was sent.
            const string InvalidText = "the server sent a text message that is not valid UTF-8; closed with 1007 (invalid payload data)";
            return new Ending(WebSocketLimits.InvalidPayload, InvalidText, InvalidText);
        }

        if (_closeSent)
        {
            // We closed; the server hung up or did not answer in time. The close still happened with our code.
            return new Ending(localCode, localReason, null);
        }

        var message = _sendFailure is not null
            ? $"send failed: {FailureText.DescribeReceive(_sendFailure)}"
            : FailureText.DescribeReceive(received.Exception!);
        if (received.MidMessage && _sendFailure is null)
        {
            message += " (in the middle of a message; the partial message was dropped)";
        }

        return new Ending(WebSocketLimits.AbnormalClosure, message, message);
    }

    /// <summary>How the connection ended: the close to report and an error to report before it, if any.</summary>
    private readonly record struct Ending(int Code, string Reason, string? Error)
    {
        public static Ending Failed(string message) => new(WebSocketLimits.AbnormalClosure, message, message);
    }

    private readonly record struct ReceiveEnd(ReceiveEndKind Kind, Exception? Exception, bool MidMessage);
}
