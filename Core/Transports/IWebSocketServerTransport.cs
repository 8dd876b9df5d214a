namespace PluginNet.Core.Transports;

/// <summary>Runs loopback WebSocket servers for <c>net.ws_server</c>. Exported by a WS server plugin.</summary>
public interface IWebSocketServerTransport
{
    /// <summary>Binds 127.0.0.1:<paramref name="request"/>.Port and starts accepting clients.</summary>
    /// <remarks>
    /// Synchronous because the Lua API returns the server (or nil) at once; it returns as soon as the
    /// port is bound and never waits on a client. Throws <see cref="PortInUseException"/> when the port
    /// is taken.
    /// </remarks>
    IWebSocketServer Listen(WebSocketListenRequest request, IWebSocketServerEvents events);
}

/// <summary>How to listen.</summary>
/// <param name="Port">TCP port on 127.0.0.1 (1–65535; 0 picks a free one).</param>
/// <param name="MaxMessageBytes">Largest incoming message; a larger one closes that client with 1009.</param>
/// <param name="AllowedOrigins">Extra Origin values accepted besides none, <c>null</c> and localhost.</param>
/// <param name="HandshakeTimeout">A handshake not completed in this time is dropped.</param>
/// <param name="MaxQueuedBytesPerClient">A client whose unsent queue grows past this is closed with 1008.</param>
public sealed record WebSocketListenRequest(
    int Port,
    long MaxMessageBytes,
    IReadOnlyList<string> AllowedOrigins,
    TimeSpan HandshakeTimeout,
    long MaxQueuedBytesPerClient)
{
    /// <summary>How plain HTTP requests on the same port are answered, and where WebSockets are accepted.</summary>
    public HttpServerOptions Http { get; init; } = new();
}

/// <summary>What a server reports back to the host, per client.</summary>
/// <remarks>
/// Same rules as <see cref="IWebSocketEvents"/>: for one client the calls come one at a time,
/// <see cref="OnOpen(long, IncomingRequest)"/> first, <see cref="OnClose"/> exactly once and last; return quickly, never throw.
/// </remarks>
public interface IWebSocketServerEvents
{
    /// <summary>A client completed its handshake. Client ids are positive and unique per server.</summary>
    /// <remarks>Plugins that know the handshake call <see cref="OnOpen(long, IncomingRequest)"/> instead.</remarks>
    void OnOpen(long client);

    /// <summary>A client completed its handshake, described by <paramref name="handshake"/>.</summary>
    /// <remarks>Defaults to <see cref="OnOpen(long)"/>, so a host written before it still hears the open.</remarks>
    void OnOpen(long client, IncomingRequest handshake) => OnOpen(client);

    /// <summary>A whole message arrived from a client. The array now belongs to the receiver.</summary>
    void OnMessage(long client, byte[] payload, bool isText);

    /// <summary>Something failed on a client; its close follows.</summary>
    void OnError(long client, string message);

    /// <summary>A client's connection ended, whoever ended it.</summary>
    void OnClose(long client, int code, string reason);
}

/// <summary>A listening server. Disposing closes it like <see cref="CloseAsync"/> but without waiting politely.</summary>
public interface IWebSocketServer : IAsyncDisposable
{
    /// <summary>The bound port.</summary>
    int Port { get; }

    /// <summary>True until the server starts closing.</summary>
    bool IsOpen { get; }

    /// <summary>Clients whose handshake completed and who have not closed.</summary>
    int ClientCount { get; }

    /// <summary>Queues a text message to one client; false when that client is not connected. Never blocks.</summary>
    bool Send(long client, ReadOnlyMemory<byte> text);

    /// <summary>Queues a text message to every connected client. Never blocks.</summary>
    void Broadcast(ReadOnlyMemory<byte> text);

    /// <summary>Closes one client with the given code and reason; false when it is not connected.</summary>
    bool Disconnect(long client, int code, string reason);

    /// <summary>
    /// Stops listening, closes every client with 1001 and completes once the server's internal work
    /// has stopped and the port is free. A second call is a no-op.
    /// </summary>
    Task CloseAsync(CancellationToken cancellationToken);
}
