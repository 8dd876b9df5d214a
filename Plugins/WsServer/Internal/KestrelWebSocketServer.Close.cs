using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

// Closing a server: once, in stages, whoever asks first (the script's close, the plugin's unload, dispose).
internal sealed partial class KestrelWebSocketServer
{
    /// <inheritdoc />
    public Task CloseAsync(CancellationToken cancellationToken) =>
        StartClosing(ServerSettings.CloseHandshakeTimeout).WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() =>
        await StartClosing(ServerSettings.DisposeCloseTimeout).ConfigureAwait(false);

    /// <summary>The first call starts the close; every call gets the same task.</summary>
    private Task StartClosing(TimeSpan clientCloseTimeout)
    {
        lock (_closeGate)
        {
            if (_closeTask is null)
            {
                Volatile.Write(ref _closing, 1);
                _closeTask = CloseCoreAsync(clientCloseTimeout);
            }

            return _closeTask;
        }
    }

    // Stages: refuse new clients and ask every client to close (1001), stop Kestrel (it unbinds at once,
    // then waits for the handlers), wait until every handler has returned, dispose.
    private async Task CloseCoreAsync(TimeSpan clientCloseTimeout)
    {
        // Return the task to StartClosing at once; the work runs on the pool.
        await Task.Yield();
        _http.Close();
        foreach (var (_, connection) in _clients)
        {
            connection.RequestClose(WebSocketLimits.GoingAway, "server closing", dropPending: false, error: null, clientCloseTimeout);
        }

        var app = _app!;
        using (var stopTimeout = new CancellationTokenSource(ServerSettings.ShutdownTimeout))
        {
            try
            {
                await app.StopAsync(stopTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Kestrel aborted whatever was left; the handlers end through RequestAborted.
            }
        }

        if (Interlocked.Decrement(ref _activeHandlers) == 0)
        {
            _idle.TrySetResult();
        }

        await _idle.Task.ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
        _onClosed(this);
    }
}
