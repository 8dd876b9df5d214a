using System.Net.WebSockets;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsClient.Internal;

// The receive loop, and answering a close the server started.
internal sealed partial class ClientConnection
{
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
}
