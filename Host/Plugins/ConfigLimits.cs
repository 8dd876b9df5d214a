using PluginNet.Host.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>The <c>limits</c> section of <c>plugins.json</c>, one record per area; an absent field keeps its default.</summary>
/// <param name="Engine">Menu-thread limits (<c>limits.engine</c>).</param>
/// <param name="Http">HTTP limits (<c>limits.http</c>).</param>
/// <param name="Ws">WebSocket client limits (<c>limits.ws</c>).</param>
/// <param name="WsServer">WebSocket server limits (<c>limits.ws_server</c>).</param>
/// <param name="Udp">UDP limits (<c>limits.udp</c>).</param>
public sealed record ConfigLimits(EngineLimits Engine, HttpLimits Http, WsLimits Ws, WsServerLimits WsServer, UdpLimits Udp)
{
    /// <summary>Every area at its default, as when <c>plugins.json</c> has no <c>limits</c> section.</summary>
    public static ConfigLimits Defaults { get; } = new(EngineLimits.Defaults, HttpLimits.Defaults, WsLimits.Defaults, WsServerLimits.Defaults, UdpLimits.Defaults);
}
