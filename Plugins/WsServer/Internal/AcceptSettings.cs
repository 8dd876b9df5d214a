using Microsoft.AspNetCore.Http;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>How a handshake is accepted: the subprotocol, permessage-deflate and keepalive pings of the listen request.</summary>
internal static class AcceptSettings
{
    /// <summary>Without a pong timeout, pings are still real pings; an unanswered one drops the client after this.</summary>
    public static readonly TimeSpan DefaultPongTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The accept context for a client that offered <paramref name="offered"/>.</summary>
    /// <remarks>The subprotocol is the first one the client offers that the server supports (none when no match).</remarks>
    public static WebSocketAcceptContext For(WebSocketListenRequest request, IList<string> offered)
    {
        var context = new WebSocketAcceptContext
        {
            SubProtocol = offered.FirstOrDefault(p => request.Protocols.Contains(p, StringComparer.Ordinal)),
            DangerousEnableCompression = request.Compress,
            KeepAliveInterval = request.PingInterval > TimeSpan.Zero ? request.PingInterval : TimeSpan.Zero,
        };
        if (request.PingInterval > TimeSpan.Zero)
        {
            context.KeepAliveTimeout = PongTimeout(request);
        }

        return context;
    }

    /// <summary>The pong timeout in effect for <paramref name="request"/>.</summary>
    public static TimeSpan PongTimeout(WebSocketListenRequest request) =>
        request.PongTimeout > TimeSpan.Zero ? request.PongTimeout : DefaultPongTimeout;

    /// <summary>True when <paramref name="failure"/> is the keepalive giving up on a pong.</summary>
    public static bool IsPongTimeout(Exception failure)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            if (e is System.Net.WebSockets.WebSocketException { WebSocketErrorCode: System.Net.WebSockets.WebSocketError.Faulted } ws
                && ws.Message.Contains("Pong", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
