using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

/// <summary>The <c>limits.ws_server</c> section of <c>plugins.json</c>: the loopback WebSocket server.</summary>
/// <param name="MaxMessageBytes">Largest message either way (<c>max_message_bytes</c>); a larger incoming one closes that client with 1009.</param>
/// <param name="MaxQueuedBytesPerClient">Bytes queued for one slow client before it is closed with 1008 (<c>max_queued_bytes_per_client</c>).</param>
public sealed record WsServerLimits(
    long MaxMessageBytes = WebSocketLimits.MaxMessageBytes,
    long MaxQueuedBytesPerClient = 16L * 1024 * 1024)
{
    /// <summary>The values used when <c>plugins.json</c> gives none.</summary>
    public static WsServerLimits Defaults { get; } = new();
}
