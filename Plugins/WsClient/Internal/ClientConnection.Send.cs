using System.Net.WebSockets;

namespace PluginNet.Plugins.WsClient.Internal;

// The writer loop: drains the outgoing queue, then sends the close frame.
internal sealed partial class ClientConnection
{
    private async Task WriteLoopAsync(ClientWebSocket socket)
    {
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    try
                    {
                        if (PeerClosed())
                        {
                            continue; // the server closed first: what is still queued is dropped
                        }

                        var type = message.IsText ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
                        await socket.SendAsync(message.Payload, type, endOfMessage: true, _abort.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Add(ref _queuedBytes, -message.Payload.Length);
                    }
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
}
