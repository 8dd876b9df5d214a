using System.Collections.Concurrent;
using System.Composition;
using PluginNet.Core.Transports;
using PluginNet.Plugins.WsServer.Internal;

namespace PluginNet.Plugins.WsServer;

/// <summary>Loopback WebSocket servers on Kestrel: 127.0.0.1 only, one Kestrel instance per server.</summary>
/// <remarks>
/// Disposing (the host does so when it unloads the plugin) closes every server still open, clients
/// with 1001, and returns once the ports are free and nothing of this plugin runs any more.
/// </remarks>
[Export(typeof(IWebSocketServerTransport))]
[Shared]
public sealed class KestrelWebSocketServerTransport : IWebSocketServerTransport, IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<KestrelWebSocketServer, byte> _servers = new();
    private int _disposed;

    /// <inheritdoc />
    /// <exception cref="PortInUseException">The port is taken, by this process or another.</exception>
    /// <exception cref="ObjectDisposedException">The transport has been disposed.</exception>
    public IWebSocketServer Listen(WebSocketListenRequest request, IWebSocketServerEvents events)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(events);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ServerSettings.Validate(request);

        var server = KestrelWebSocketServer.Start(request, events, closed => _servers.TryRemove(closed, out _));
        _servers.TryAdd(server, 0);
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Disposed while this server was starting: it must not outlive the transport.
            server.CloseAsync(CancellationToken.None).GetAwaiter().GetResult();
            throw new ObjectDisposedException(GetType().FullName);
        }

        return server;
    }

    /// <summary>Closes every open server (clients get 1001) and waits until all of them have stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Task.WhenAll(_servers.Keys.Select(s => s.CloseAsync(CancellationToken.None))).ConfigureAwait(false);
    }

    /// <summary>Like <see cref="DisposeAsync"/>, blocking for at most a few seconds.</summary>
    /// <remarks>For System.Composition, which disposes shared parts synchronously with its container.</remarks>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
