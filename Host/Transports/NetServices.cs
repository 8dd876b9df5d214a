namespace PluginNet.Host.Transports;

/// <summary>What the bindings of <c>net</c> need from the engine, besides the script itself.</summary>
/// <param name="Transports">The transport serving each part of <c>net</c> right now.</param>
/// <param name="Permissions">What each script may reach, from <c>plugins.json</c>.</param>
/// <param name="AllowedOrigins">Extra WebSocket server origins from <c>plugins.json</c>.</param>
/// <param name="DownloadDirectory">Folder that <c>save_to_file</c> paths resolve under.</param>
/// <param name="DataDirectory">The folder holding one data folder per script (<c>script.data_dir</c>).</param>
/// <param name="DefaultHttpTimeout">HTTP timeout when a script gives none.</param>
/// <param name="MaxConcurrentRequestsPerScript">HTTP requests one script may have on the wire at once.</param>
/// <param name="MaxHttpBodyBytes">Largest HTTP response body held in memory.</param>
/// <param name="Ws">WebSocket client limits.</param>
/// <param name="WsServer">WebSocket server limits.</param>
/// <param name="Udp">UDP limits.</param>
/// <param name="LastRequests">HTTP requests that outlive their unloaded script, bounded.</param>
/// <param name="ConnectionRules">The TLS and address checks for each script's outgoing connections.</param>
internal sealed record NetServices(
    TransportRegistry Transports,
    Func<NetPermissions> Permissions,
    Func<IReadOnlyList<string>> AllowedOrigins,
    string DownloadDirectory,
    string DataDirectory,
    TimeSpan DefaultHttpTimeout,
    int MaxConcurrentRequestsPerScript,
    long MaxHttpBodyBytes,
    WsLimits Ws,
    WsServerLimits WsServer,
    UdpLimits Udp,
    LastRequests LastRequests,
    ConnectionRuleSets ConnectionRules)
{
    /// <summary>Paces and holds HTTP requests per host for every script (rate limits, servers' Retry-After).</summary>
    public HttpGovernor HttpGovernor { get; init; } = new(HttpRateLimits.None);

    /// <summary>Who watches the scripts' exchanges; null when nobody does (the binders then skip every event).</summary>
    public PluginNet.Core.Observation.INetObserver? Observer { get; init; }
}
