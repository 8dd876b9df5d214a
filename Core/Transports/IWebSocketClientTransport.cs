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
    /// <summary>The TLS and address checks the connection must pass; null for none (the system's TLS defaults, any address).</summary>
    public ConnectionRules? Connection { get; init; }
}

/// <summary>One client connection. Disposing aborts it and waits for its background work to end.</summary>
public interface IWebSocketConnection : IAsyncDisposable
{
    /// <summary>True between the open and the start of closing.</summary>
    bool IsOpen { get; }

    /// <summary>Queues one text message; returns false when the connection is not open. Never blocks.</summary>
    bool Send(ReadOnlyMemory<byte> text);

    /// <summary>
    /// Sends the close frame after every message already queued and completes when the connection
    /// has ended (or at cancellation, when it is aborted). A second call is a no-op.
    /// </summary>
    Task CloseAsync(int code, string reason, CancellationToken cancellationToken);
}
