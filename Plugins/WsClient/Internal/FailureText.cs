using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using PluginNet.Core.Transports;
using PluginNet.Plugins.Shared;

namespace PluginNet.Plugins.WsClient.Internal;

/// <summary>Turns connect and receive failures into short messages a modder can act on.</summary>
internal static class FailureText
{
    /// <summary>Why a connect attempt failed, e.g. "connection refused" or "handshake rejected: HTTP 403".</summary>
    public static string DescribeConnect(Exception exception, int httpStatus)
    {
        if (httpStatus != 0 && httpStatus != 101)
        {
            return $"handshake refused: HTTP {(httpStatus + " " + StatusText(httpStatus)).TrimEnd()} (the server did not answer 101 Switching Protocols)";
        }

        if (ExceptionChain.Find<AddressRefusedException>(exception) is { } refused)
        {
            return refused.Message;
        }

        if (ExceptionChain.Find<SocketException>(exception) is { } socket)
        {
            return DescribeSocket(socket);
        }

        if (ExceptionChain.Find<TlsRefusedException>(exception) is { } rejected)
        {
            return $"TLS check failed: {rejected.Message}";
        }

        if (ExceptionChain.Find<AuthenticationException>(exception) is not null)
        {
            return "TLS handshake failed (no TLS version or cipher both sides accept, or not a TLS server)";
        }

        if (exception is WebSocketException { WebSocketErrorCode: WebSocketError.NotAWebSocket or WebSocketError.UnsupportedProtocol or WebSocketError.HeaderError } ws)
        {
            return $"handshake rejected: {ws.Message}";
        }

        if (ExceptionChain.Find<HttpRequestException>(exception) is { } http)
        {
            return Innermost(http).Message;
        }

        return Innermost(exception).Message;
    }

    /// <summary>The reason phrase of an HTTP status, e.g. "Unauthorized", "Not Found"; "" for one .NET does not name.</summary>
    public static string StatusText(int status)
    {
        var name = ((System.Net.HttpStatusCode)status).ToString();
        if (name.Length == 0 || char.IsDigit(name[0]))
        {
            return string.Empty;
        }

        var text = new System.Text.StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(c);
        }

        return text.ToString();
    }

    /// <summary>Why an open connection failed.</summary>
    public static string DescribeReceive(Exception exception)
    {
        if (ExceptionChain.Find<SocketException>(exception) is { } socket)
        {
            return $"connection lost: {DescribeSocket(socket)}";
        }

        return exception switch
        {
            WebSocketException { WebSocketErrorCode: WebSocketError.ConnectionClosedPrematurely } =>
                "connection lost: the server dropped the connection without a close frame",
            WebSocketException ws => $"protocol error: {ws.Message}",
            IOException io => $"connection lost: {Innermost(io).Message}",
            _ => $"connection failed: {Innermost(exception).Message}",
        };
    }

    private static string DescribeSocket(SocketException socket) => socket.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused; is the server running, and is the port right?",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found (DNS lookup failed)",
        SocketError.TimedOut => "the connection timed out",
        SocketError.NetworkUnreachable or SocketError.HostUnreachable => "host unreachable",
        SocketError.ConnectionReset => "connection reset by the server",
        _ => socket.Message,
    };

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }
}
