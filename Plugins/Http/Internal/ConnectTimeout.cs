using System.Net.Sockets;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// The connect callback of every client: the host's address check when there are rules (or a plain
/// TCP connect), bounded by the exchange's <c>connect_timeout</c>; the idle watch waits meanwhile and
/// starts again once connected.
/// </summary>
internal static class ConnectTimeout
{
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Around(
        Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connect) =>
        async (context, cancellationToken) =>
        {
            var state = ExchangeState.Of(context.InitialRequestMessage);
            var limit = state?.ConnectTimeout ?? Timeout.InfiniteTimeSpan;
            state?.Idle.Pause();
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(limit);
            Stream stream;
            try
            {
                stream = await (connect ?? PlainConnectAsync)(context, bounded.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && bounded.IsCancellationRequested)
            {
                throw new ConnectTimeoutException(
                    $"connect_timeout: no connection to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} within {limit.TotalSeconds:0.###} s");
            }

            state?.Idle.Reset();
            return stream;
        };

    // What SocketsHttpHandler does without a callback.
    private static async ValueTask<Stream> PlainConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The exchange's connect timeout ran out; the message is the script's error.</summary>
internal sealed class ConnectTimeoutException(string message) : IOException(message);
