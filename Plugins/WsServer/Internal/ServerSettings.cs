using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>Timings of this transport and the checks on a listen request.</summary>
internal static class ServerSettings
{
    /// <summary>How long a polite close (ours or the peer's) may take before the connection is aborted.</summary>
    /// <remarks>On loopback a close reply takes milliseconds; a peer that needs longer is not reading.</remarks>
    public static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a close for a message over the limit (1009) or for a full reassembly budget (1013), how long
    /// the server may go on reading and dropping the rest of that message, for a client that keeps
    /// sending it: such a client (like ClientWebSocket) reads our close only once it has written it all,
    /// and an abort resets the connection under its writes before it has seen the close.
    /// </summary>
    public static readonly TimeSpan TooBigDrainLimit = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Within <see cref="TooBigDrainLimit"/>, how long the rest of a refused message may pause before the
    /// connection is aborted. Longer than <see cref="CloseHandshakeTimeout"/>: with one second, a client
    /// still writing a refused 1 MiB message on a loaded 2-core machine saw a reset instead of the 1009;
    /// a client that stopped sending costs a connection this long, no more.
    /// </summary>
    public static readonly TimeSpan TooBigDrainIdle = TimeSpan.FromSeconds(3);

    /// <summary>The same for <c>IWebSocketServer.DisposeAsync</c>: enough to get the 1001 frame out, no more.</summary>
    public static readonly TimeSpan DisposeCloseTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>How long Kestrel may take to stop before it aborts what is left (its default is 30 s).</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A connection's first receive buffer, and the least free space each read asks for. Most messages
    /// are small and an idle connection holds only this; a bigger message doubles the buffer as it
    /// arrives. (16 KB per connection made 1,000 clients 16 MB that every collection copied.)
    /// </summary>
    public const int ReceiveChunkBytes = 1024;

    /// <summary>Largest reassembly buffer a connection keeps between messages; a bigger one is dropped.</summary>
    public const int KeptAssemblyBufferBytes = 1024 * 1024;

    public static void Validate(WebSocketListenRequest request)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(request.Port, nameof(request));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.Port, 65535, nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.MaxMessageBytes, nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.MaxQueuedBytesPerClient, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.HandshakeTimeout, TimeSpan.Zero, nameof(request));
        ArgumentNullException.ThrowIfNull(request.AllowedOrigins, nameof(request));
        var http = request.Http;
        ArgumentNullException.ThrowIfNull(http, nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegative(http.MaxBodyBytes, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(http.MaxHeadBytes, 1024, nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(http.MaxConcurrentRequests, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(http.RequestTimeout, TimeSpan.Zero, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(http.AnswerTimeout, TimeSpan.Zero, nameof(request));
        if (http.WebSocketPath is { } path && (RouteTable.RouteProblem(path) is not null || path.Contains('*', StringComparison.Ordinal)))
        {
            throw new ArgumentException("the WebSocket path must be a path such as \"/ws\"", nameof(request));
        }
    }
}
