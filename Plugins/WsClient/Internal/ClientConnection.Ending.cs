using System.Net.WebSockets;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsClient.Internal;

// How a connection ended, turned into the one OnError/OnClose pair the host hears.
internal sealed partial class ClientConnection
{
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

        if (_sendFailure is null && ConnectOptions.IsPongTimeout(received.Exception!))
        {
            var seconds = ConnectOptions.PongTimeout(_request).TotalSeconds;
            var noPong = $"no pong within {seconds:0.###} s; connection dropped";
            return new Ending(WebSocketLimits.AbnormalClosure, noPong, noPong);
        }

        if (_sendFailure is null && _frames.IsInvalidText(received.Exception!))
        {
            // The socket has answered with a close frame 1007 (invalid payload data): report what was sent.
            const string InvalidText = "the server sent a text message that is not valid UTF-8; closed with 1007 (invalid payload data)";
            return new Ending(WebSocketLimits.InvalidPayload, InvalidText, InvalidText);
        }

        if (!_closeSent && _sendFailure is null && _frames.SentCloseCode is { } sent and not (1005 or WebSocketLimits.AbnormalClosure))
        {
            // The socket failed the connection on a protocol error and has sent the server this close code.
            var failed = $"{FailureText.DescribeReceive(received.Exception!)}; closed with {sent}";
            return new Ending(sent, failed, failed);
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
