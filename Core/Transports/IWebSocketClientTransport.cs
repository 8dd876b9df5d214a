namespace PluginNet.Core.Transports;

/// <summary>Opens outgoing WebSocket connections for <c>net.ws</c>. Exported by a WS client plugin.</summary>
public interface IWebSocketClientTransport
{
    /// <summary>Starts connecting and returns at once; the outcome arrives through <paramref name="events"/>.</summary>
    /// <remarks>
    /// Called on the menu thread; never blocks. A connection that cannot be made (refused, timeout,
    /// bad URL, rejected handshake) reports <see cref="IWebSocketEvents.OnError"/> then
    /// <see cref="IWebSocketEvents.OnClose"/> with 1006 and releases its resources by itself.
    /// </remarks>
    IWebSocketConnection Connect(WebSocketConnectRequest request, IWebSocketEvents events);
}

/// <summary>Where and how to connect.</summary>
/// <param name="Url">The ws:// or wss:// URL as the script gave it (not yet validated).</param>
/// <param name="ConnectTimeout">How long the TCP connect plus handshake may take.</param>
/// <param name="MaxMessageBytes">Largest incoming message; a larger one closes with 1009.</param>
public sealed record WebSocketConnectRequest(string Url, TimeSpan ConnectTimeout, long MaxMessageBytes)
{
    /// <summary>Extra handshake request headers (names and values already checked for line breaks).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Subprotocols offered, in order of preference; empty offers none.</summary>
    public IReadOnlyList<string> Protocols { get; init; } = [];

    /// <summary>How often to send a ping; zero sends none.</summary>
    public TimeSpan PingInterval { get; init; }

    /// <summary>How long a ping may go unanswered before the connection is dropped (1006); zero waits forever.</summary>
    public TimeSpan PongTimeout { get; init; }

    /// <summary>Offer permessage-deflate (RFC 7692).</summary>
    public bool Compress { get; init; }

    /// <summary>Most bytes the send queue may hold; a send past it is refused. Zero or less: no cap.</summary>
    public long MaxQueuedBytes { get; init; }

    /// <summary>The TLS and address checks the connection must pass; null for none (the system's TLS defaults, any address).</summary>
    public ConnectionRules? Connection { get; init; }
}

/// <summary>What the handshake settled, reported with the open.</summary>
/// <param name="Protocol">The subprotocol the server chose; "" when none.</param>
/// <param name="Headers">The server's response headers, names lower-case, repeats kept.</param>
public sealed record WebSocketOpenInfo(string Protocol, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>One client connection. Disposing aborts it and waits for its background work to end.</summary>
public interface IWebSocketConnection : IAsyncDisposable
{
    /// <summary>True between the open and the start of closing.</summary>
    bool IsOpen { get; }

    /// <summary>Queues one text message; returns false when the connection is not open. Never blocks.</summary>
    bool Send(ReadOnlyMemory<byte> text);

    /// <summary>Queues one text or binary message; false when the connection is not open or the send queue is full. Never blocks.</summary>
    /// <remarks>Defaults to <see cref="Send(ReadOnlyMemory{byte})"/> for text and false for binary, for plugins written before it.</remarks>
    bool Send(ReadOnlyMemory<byte> payload, bool isText) => isText && Send(payload);

    /// <summary>Bytes queued and not yet handed to the socket; 0 for plugins that do not count them.</summary>
    long BufferedBytes => 0;

    /// <summary>
    /// Sends the close frame after every message already queued and completes when the connection
    /// has ended (or at cancellation, when it is aborted). A second call is a no-op.
    /// </summary>
    Task CloseAsync(int code, string reason, CancellationToken cancellationToken);
}
