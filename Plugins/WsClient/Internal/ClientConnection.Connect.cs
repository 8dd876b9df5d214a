using System.Net.WebSockets;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsClient.Internal;

// The run task: connect, receive until the end, then report how it ended.
internal sealed partial class ClientConnection
{
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
        _request.Connection?.ApplyTo(handler); // the host's address and TLS checks
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
}
