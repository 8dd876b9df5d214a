using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>One listening server: a private Kestrel instance on 127.0.0.1 and its clients.</summary>
internal sealed partial class KestrelWebSocketServer : IWebSocketServer
{
    private readonly ConcurrentDictionary<long, ClientConnection> _clients = new();
    private readonly WebSocketListenRequest _request;
    private readonly ReassemblyBudget _budget;
    private readonly IWebSocketServerEvents _events;
    private readonly OriginPolicy _origins;
    private readonly HttpPipeline _http;
    private readonly Action<KestrelWebSocketServer> _onClosed;
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _closeGate = new();
    private WebApplication? _app;
    private long _lastClientId;
    private int _openClients; // clients added and not yet closing: ClientCount
    private int _closing;
    private Task? _closeTask;

    // Requests being handled, plus one held by the server itself until it closes; zero means idle.
    private int _activeHandlers = 1;

    private KestrelWebSocketServer(
        WebSocketListenRequest request, IWebSocketServerEvents events, Action<KestrelWebSocketServer> onClosed)
    {
        _request = request;
        ReassemblyBudget.Process.SetLimit(request.MaxReassemblyBytesPerProcess);
        _budget = new ReassemblyBudget(request.MaxReassemblyBytesPerServer, ReassemblyBudget.Process);
        _events = events;
        _onClosed = onClosed;
        _origins = new OriginPolicy(request.AllowedOrigins);
        _http = new HttpPipeline(request.Http, events, _origins);
    }

    /// <inheritdoc />
    public int Port { get; private set; }

    /// <inheritdoc />
    public bool IsOpen => Volatile.Read(ref _closing) == 0;

    /// <inheritdoc />
    /// <remarks>
    /// A count kept as clients are added and start closing, not a walk over the clients: scripts ask
    /// for it on every open and close, and with 1,000 clients walking them was the menu thread's
    /// largest cost in a handshake storm (16% of its samples).
    /// </remarks>
    public int ClientCount => Volatile.Read(ref _openClients);

    private void ClientStoppedBeingOpen() => Interlocked.Decrement(ref _openClients);

    /// <summary>Builds and starts Kestrel; returns once the port is bound. Blocks the caller meanwhile.</summary>
    /// <exception cref="PortInUseException">The port is taken.</exception>
    public static KestrelWebSocketServer Start(
        WebSocketListenRequest request, IWebSocketServerEvents events, Action<KestrelWebSocketServer> onClosed)
    {
        var server = new KestrelWebSocketServer(request, events, onClosed);
        var (app, port) = KestrelHost.Start(request, server.HandleAsync);
        server._app = app;
        server.Port = port;
        return server;
    }

    /// <inheritdoc />
    public bool Send(long client, ReadOnlyMemory<byte> text) => Send(client, text, isText: true);

    /// <inheritdoc />
    public bool Send(long client, ReadOnlyMemory<byte> payload, bool isText)
    {
        CheckOutgoingSize(payload);
        return IsOpen && _clients.TryGetValue(client, out var connection) && connection.TryEnqueue(payload.ToArray(), isText: isText);
    }

    /// <inheritdoc />
    public long BufferedBytes(long client) => _clients.TryGetValue(client, out var connection) ? connection.QueuedBytes : 0;

    /// <inheritdoc />
    public void Broadcast(ReadOnlyMemory<byte> text) => Broadcast(text, isText: true);

    /// <inheritdoc />
    public void Broadcast(ReadOnlyMemory<byte> text, bool isText)
    {
        CheckOutgoingSize(text);
        if (!IsOpen)
        {
            return;
        }

        // One copy shared by every client's queue; nobody writes to it. Queued everywhere first, then
        // sent to all from one pool thread: one hand-over per broadcast instead of one per client.
        var payload = text.ToArray();
        foreach (var (_, connection) in _clients)
        {
            connection.TryEnqueue(payload, send: false, isText: isText);
        }

        ThreadPool.UnsafeQueueUserWorkItem(static server => server.SendQueuedToAll(), this, preferLocal: false);
    }

    private void SendQueuedToAll()
    {
        foreach (var (_, connection) in _clients)
        {
            connection.SendQueued();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="code"/> may not be sent in a close frame (allowed: 1000–1003, 1007–1014, 3000–4999).
    /// </exception>
    /// <remarks>What is queued for the client is sent before the close frame; a reason over 123 bytes is cut.</remarks>
    public bool Disconnect(long client, int code, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!WebSocketCloseRules.IsSendable(code))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "a close code must be " + WebSocketCloseRules.SendableCodes);
        }

        return _clients.TryGetValue(client, out var connection)
            && connection.RequestClose(
                code, WebSocketCloseRules.TruncateReason(reason), dropPending: false, error: null, ServerSettings.CloseHandshakeTimeout);
    }

    private static void CheckOutgoingSize(ReadOnlyMemory<byte> text)
    {
        if (text.Length > WebSocketLimits.MaxMessageBytes)
        {
            throw new ArgumentOutOfRangeException(
                nameof(text), text.Length, $"a message may not exceed {WebSocketLimits.MaxMessageBytes} bytes");
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _activeHandlers);
        try
        {
            await HandleCoreAsync(context).ConfigureAwait(false);
        }
        finally
        {
            if (Interlocked.Decrement(ref _activeHandlers) == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private async Task HandleCoreAsync(HttpContext context)
    {
        var response = context.Response;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            // A malformed WebSocket attempt is refused as one; any other request is plain HTTP.
            if (IsWebSocketAttempt(context.Request.Headers))
            {
                await RefuseAsync(context).ConfigureAwait(false);
            }
            else
            {
                await _http.HandleAsync(context).ConfigureAwait(false);
            }

            return;
        }

        if (!_http.IsWebSocketPath(context.Request.Path))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!_origins.IsAllowed(context.Request.Headers.Origin))
        {
            response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        if (!IsOpen)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var accept = AcceptSettings.For(_request, context.WebSockets.WebSocketRequestedProtocols);
        var handshake = HandshakeReader.Read(context) with { Protocol = accept.SubProtocol ?? "" };

        // Compression only when the script asked for it (listen's `compress`); the message limit
        // applies to the inflated bytes, so a compression bomb still closes with 1009.
        using var socket = await context.WebSockets.AcceptWebSocketAsync(accept).ConfigureAwait(false);
        var frameScan = (context.Features.Get<IHttpUpgradeFeature>() as MaskCheckingUpgradeFeature)?.Stream;
        var connection = new ClientConnection(
            Interlocked.Increment(ref _lastClientId), socket, _events, _request, context.RequestAborted, frameScan, ClientStoppedBeingOpen, _budget);

        // Counted before it can be seen (and so closed) by anyone: its one decrement comes after this.
        Interlocked.Increment(ref _openClients);
        _clients[connection.Id] = connection;

        // CloseAsync may have run between the check above and the add: then it did not see this client.
        if (!IsOpen)
        {
            connection.RequestClose(
                WebSocketLimits.GoingAway, "server closing", dropPending: false, error: null, ServerSettings.CloseHandshakeTimeout);
        }

        try
        {
            _events.OnOpen(connection.Id, handshake);
        }
#pragma warning disable CA1031 // The contract forbids throwing; a faulty handler must not take the connection down.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        await connection.RunAsync(c => _clients.TryRemove(c.Id, out _)).ConfigureAwait(false);
        if (connection.FailedProtocol && frameScan is not null)
        {
            // The socket has sent its close frame (1002, 1007) and given up. Returning now would make
            // Kestrel reset the connection, and a reset can overtake that frame before the client has
            // read it: give the client the close handshake's time to read it and go.
            await DrainAsync(frameScan, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Reads and drops what the client still sends, until it closes or the close handshake timeout passes.</summary>
    private static async Task DrainAsync(Stream stream, CancellationToken aborted)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        limit.CancelAfter(ServerSettings.CloseHandshakeTimeout);
        var buffer = new byte[1024];
        try
        {
            while (await stream.ReadAsync(buffer, limit.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Timed out, or the connection is already gone.
        }
    }

    private static bool IsWebSocketAttempt(IHeaderDictionary headers) =>
        headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>Answers an attempted WebSocket handshake that is not valid (RFC 6455 §4.2.2, §4.4).</summary>
    /// <remarks>
    /// An attempted handshake for version 13 that is malformed (no or invalid key, not a GET, no
    /// <c>Connection: Upgrade</c>) gets 400; one for another version gets 426 with the version this
    /// server speaks. (A request without <c>Upgrade: websocket</c> is plain HTTP: routes, static files, 404.)
    /// </remarks>
    private static async Task RefuseAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var response = context.Response;
        if (headers.SecWebSocketVersion.ToString() == "13")
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.ContentType = "text/plain";
            await response.WriteAsync("malformed WebSocket handshake\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status426UpgradeRequired;
        response.Headers.Upgrade = "websocket";
        response.Headers.SecWebSocketVersion = "13";
        response.ContentType = "text/plain";
        await response.WriteAsync("WebSocket endpoint: connect with ws:// (version 13)\n", context.RequestAborted).ConfigureAwait(false);
    }
}
