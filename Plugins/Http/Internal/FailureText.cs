using System.Net.Sockets;
using System.Security.Authentication;
using PluginNet.Core.Transports;
using PluginNet.Plugins.Shared;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>Turns a failed exchange into words that say which failure it was.</summary>
internal static class FailureText
{
    public static string Describe(Exception? error, Uri url)
    {
        var target = $"{url.Host}:{url.Port}";
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RedirectRefusedException refused:
                    return refused.Message;
                case ConnectTimeoutException timedOut:
                    return timedOut.Message;
                case AddressRefusedException refused:
                    return refused.Message;
                case TlsRefusedException refused:
                    return $"TLS check of {target} failed: {refused.Message}";
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return $"connection refused by {target}; is the server running, and is the port right?";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return $"DNS lookup failed for '{url.Host}'";
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return $"connection to {target} timed out";
                case SocketException { SocketErrorCode: SocketError.ConnectionReset }:
                    return $"connection reset by {target}";
                case SocketException { SocketErrorCode: SocketError.HostUnreachable or SocketError.NetworkUnreachable }:
                    return $"{target} is unreachable";
                case AuthenticationException when ExceptionChain.Find<TlsRefusedException>(e) is null:
                    return $"TLS handshake with {target} failed (no TLS version or cipher both sides accept, or not a TLS server)";
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }:
                    return $"DNS lookup failed for '{url.Host}'";
                case HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    return $"{target} closed the connection before the response was complete";
                default:
                    break;
            }
        }

        return error switch
        {
            null => $"no response from {target}",
            IOException => $"connection to {target} lost while reading the response: {error.Message}",
            _ => $"request to {target} failed: {error.Message}",
        };
    }

    /// <summary>Which kind of failure <paramref name="error"/> is: a connection that could not be made, a timeout, or other.</summary>
    public static HttpFailureKind Kind(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case RedirectRefusedException or AddressRefusedException or TlsRefusedException:
                    return HttpFailureKind.Other;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable }:
                    return HttpFailureKind.Connect;
                case SocketException { SocketErrorCode: SocketError.TimedOut } or ConnectTimeoutException:
                    return HttpFailureKind.Timeout;
                default:
                    break;
            }
        }

        return HttpFailureKind.Other;
    }
}
