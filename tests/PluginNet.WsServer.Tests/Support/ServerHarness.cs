using System.Net.WebSockets;
using PluginNet.Core.Transports;
using PluginNet.Plugins.WsServer;
using PluginNet.TestSupport;

namespace PluginNet.WsServer.Tests.Support;

/// <summary>A transport, one server on a free loopback port and the events it reported.</summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    private ServerHarness(KestrelWebSocketServerTransport transport, IWebSocketServer server, RecordingEvents events)
    {
        Transport = transport;
        Server = server;
        Events = events;
    }

    public KestrelWebSocketServerTransport Transport { get; }

    public IWebSocketServer Server { get; }

    public RecordingEvents Events { get; }

    public Uri Url => new($"ws://127.0.0.1:{Server.Port}/");

    public static WebSocketListenRequest Request(
        int port = 0,
        long maxMessageBytes = Documented.MaxMessageBytes,
        IReadOnlyList<string>? allowedOrigins = null,
        TimeSpan? handshakeTimeout = null,
        long maxQueuedBytesPerClient = Documented.MaxQueuedBytesPerClient) =>
        new(port, maxMessageBytes, allowedOrigins ?? [], handshakeTimeout ?? Documented.HandshakeTimeout, maxQueuedBytesPerClient);

    public static ServerHarness Start(WebSocketListenRequest? request = null)
    {
        var transport = new KestrelWebSocketServerTransport();
        var events = new RecordingEvents();
        var server = transport.Listen(request ?? Request(), events);
        return new ServerHarness(transport, server, events);
    }

    /// <summary>Connects a <see cref="ClientWebSocket"/> and waits for the server's OnOpen.</summary>
    public async Task<(ClientWebSocket Socket, long Id)> ConnectAsync(string? origin = null)
    {
        var socket = await TestClients.ConnectAsync(Url, origin);
        var id = await Events.NextOpenAsync();
        return (socket, id);
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        Events.AssertContractKept();
    }
}
