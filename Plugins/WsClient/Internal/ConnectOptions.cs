using System.Net.WebSockets;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsClient.Internal;

/// <summary>
/// Puts a connect request's options on the <see cref="ClientWebSocketOptions"/>: handshake headers,
/// offered subprotocols, permessage-deflate and keepalive pings. The socket does the rest (it refuses a
/// server that picks a subprotocol it was not offered, and compressed frames without negotiation).
/// </summary>
internal static class ConnectOptions
{
    /// <summary>Without a pong timeout, a ping is still a real ping; an unanswered one drops the connection after this.</summary>
    public static readonly TimeSpan DefaultPongTimeout = TimeSpan.FromSeconds(30);

    public static void Apply(WebSocketConnectRequest request, ClientWebSocketOptions options)
    {
        options.CollectHttpResponseDetails = true;
        foreach (var (name, value) in request.Headers)
        {
            options.SetRequestHeader(name, value);
        }

        foreach (var protocol in request.Protocols)
        {
            options.AddSubProtocol(protocol);
        }

        if (request.Compress)
        {
            options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        }

        if (request.PingInterval > TimeSpan.Zero)
        {
            // .NET 9+: a positive timeout makes the keepalive a real PING that must be answered.
            options.KeepAliveInterval = request.PingInterval;
            options.KeepAliveTimeout = PongTimeout(request);
        }
        else
        {
            options.KeepAliveInterval = TimeSpan.Zero;
        }
    }

    /// <summary>The pong timeout in effect for <paramref name="request"/>.</summary>
    public static TimeSpan PongTimeout(WebSocketConnectRequest request) =>
        request.PongTimeout > TimeSpan.Zero ? request.PongTimeout : DefaultPongTimeout;

    /// <summary>What the handshake settled, for <see cref="IWebSocketEvents.OnOpen(WebSocketOpenInfo)"/>.</summary>
    public static WebSocketOpenInfo OpenInfo(ClientWebSocket socket)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (socket.HttpResponseHeaders is { } response)
        {
            foreach (var (name, values) in response)
            {
                foreach (var value in values)
                {
                    headers.Add(new(name.ToLowerInvariant(), value));
                }
            }
        }

        return new WebSocketOpenInfo(socket.SubProtocol ?? string.Empty, headers);
    }

    /// <summary>True when <paramref name="failure"/> is the keepalive giving up on a pong.</summary>
    public static bool IsPongTimeout(Exception failure)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            if (e is WebSocketException { WebSocketErrorCode: WebSocketError.Faulted } ws
                && ws.Message.Contains("Pong", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
