using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

/// <summary>The <c>limits.ws</c> section of <c>plugins.json</c>: the WebSocket client.</summary>
/// <param name="MaxMessageBytes">Largest message either way (<c>max_message_bytes</c>); a larger incoming one closes with 1009.</param>
public sealed record WsLimits(long MaxMessageBytes = WebSocketLimits.MaxMessageBytes)
{
    /// <summary>The values used when <c>plugins.json</c> gives none.</summary>
    public static WsLimits Defaults { get; } = new();
}
