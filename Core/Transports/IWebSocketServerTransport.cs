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
    /// <summary>Subprotocols the server supports; it picks the first one the client offers that is in this list.</summary>
    public IReadOnlyList<string> Protocols { get; init; } = [];

    /// <summary>Accept permessage-deflate (RFC 7692) when the client offers it.</summary>
    public bool Compress { get; init; }

    /// <summary>How often to ping each client; zero sends none.</summary>
    public TimeSpan PingInterval { get; init; }

    /// <summary>How long a ping may go unanswered before the client is dropped (1006); zero waits forever.</summary>
    public TimeSpan PongTimeout { get; init; }

    /// <summary>How plain HTTP requests on the same port are answered, and where WebSockets are accepted.</summary>
    public HttpServerOptions Http { get; init; } = new();

    /// <summary>
    /// Bytes all clients of this server may hold at once in messages still arriving (reassembly
    /// buffers); a client whose message would take the server past it is closed with 1013.
    /// </summary>
    public long MaxReassemblyBytesPerServer { get; init; } = WebSocketLimits.MaxReassemblyBytesPerServer;

    /// <summary>The same for all servers of the process together (the plugin shares one budget among them).</summary>
    public long MaxReassemblyBytesPerProcess { get; init; } = WebSocketLimits.MaxReassemblyBytesPerProcess;
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

    /// <summary>Queues a text or binary message to one client; false when that client is not connected. Never blocks.</summary>
    /// <remarks>Defaults to <see cref="Send(long, ReadOnlyMemory{byte})"/> for text and false for binary.</remarks>
    bool Send(long client, ReadOnlyMemory<byte> payload, bool isText) => isText && Send(client, payload);

    /// <summary>Queues a text or binary message to every connected client. Never blocks.</summary>
    /// <remarks>Defaults to <see cref="Broadcast(ReadOnlyMemory{byte})"/> for text and nothing for binary.</remarks>
    void Broadcast(ReadOnlyMemory<byte> payload, bool isText)
    {
        if (isText)
        {
            Broadcast(payload);
        }
    }

    /// <summary>Bytes queued for <paramref name="client"/> and not yet sent; 0 when unknown.</summary>
    long BufferedBytes(long client) => 0;

    /// <summary>Closes one client with the given code and reason; false when it is not connected.</summary>
    bool Disconnect(long client, int code, string reason);

    /// <summary>
    /// Stops listening, closes every client with 1001 and completes once the server's internal work
    /// has stopped and the port is free. A second call is a no-op.
    /// </summary>
    Task CloseAsync(CancellationToken cancellationToken);
}
