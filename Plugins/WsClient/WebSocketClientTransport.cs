using System.Collections.Concurrent;
using System.Composition;
using PluginNet.Core.Transports;
using PluginNet.Plugins.WsClient.Internal;

namespace PluginNet.Plugins.WsClient;

/// <summary>The <c>net.ws</c> transport: outgoing ws:// and wss:// connections on <see cref="System.Net.WebSockets.ClientWebSocket"/>.</summary>
/// <remarks>
/// Thread-safe; one instance serves every script. Disposing it (the plugin is unloading) aborts every
/// connection it still runs and waits for their background work to end; each reports
/// <see cref="IWebSocketEvents.OnClose"/> with 1006 before that wait completes.
/// </remarks>
[Export(typeof(IWebSocketClientTransport))]
[Shared]
public sealed class WebSocketClientTransport : IWebSocketClientTransport, IAsyncDisposable, IDisposable
{
    // A synchronous Dispose (the composition container's) waits this long for aborted connections.
    private static readonly TimeSpan SyncDisposeWait = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<ClientConnection, byte> _live = new();
    private int _disposed;

    /// <summary>Connections whose background work has not ended yet.</summary>
    internal int LiveConnectionCount => _live.Count;

    /// <inheritdoc />
    public IWebSocketConnection Connect(WebSocketConnectRequest request, IWebSocketEvents events)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(events);

        var connection = new ClientConnection(request, events, Forget);
        _live.TryAdd(connection, 0);

        // Checked after the add: a dispose that started before it either saw this connection or is seen here.
        if (Volatile.Read(ref _disposed) != 0)
        {
            connection.StartFailed("the WebSocket client plugin is unloading");
        }
        else
        {
            connection.Start();
        }

        return connection;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        await Task.WhenAll(_live.Keys.Select(c => c.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        var ending = _live.Keys.Select(c => c.DisposeAsync().AsTask()).ToArray();

        // Aborted connections end without needing any other thread (the menu thread included),
        // so this bounded wait cannot deadlock; it only keeps the unload from racing their clean-up.
        Task.WaitAll(ending, SyncDisposeWait);
    }

    private void Forget(ClientConnection connection) => _live.TryRemove(connection, out _);
}
