using Microsoft.AspNetCore.Http;

namespace PluginNet.Plugins.Inspector.Web;

/// <summary>
/// Who may read the inspector: only its own page. The Host header must name the inspector itself (no DNS
/// rebinding), an Origin must be its own origin (no other site's fetch or WebSocket), and a browser's
/// Sec-Fetch-Site must say same-origin, or none for an address typed in (no other site's embeds).
/// </summary>
internal sealed class RequestGuard(int port)
{
    private readonly string[] _hosts = [$"127.0.0.1:{port}", $"localhost:{port}"];

    public bool IsOwnOrigin(string origin) =>
        _hosts.Any(h => string.Equals(origin.TrimEnd('/'), "http://" + h, StringComparison.OrdinalIgnoreCase));

    /// <summary>Null when allowed; otherwise why not, for the 403 answer.</summary>
    public string? Refusal(HttpRequest request, bool allowCrossSiteNavigation = false)
    {
        if (!_hosts.Contains(request.Host.Value, StringComparer.OrdinalIgnoreCase))
        {
            return "the Host header does not name this inspector";
        }

        var origin = request.Headers.Origin;
        if (origin.Count > 1 || (origin.Count == 1 && !IsOwnOrigin(origin[0] ?? string.Empty)))
        {
            return "cross-origin requests are refused";
        }

        var site = request.Headers["Sec-Fetch-Site"];
        if (!allowCrossSiteNavigation && site.Count > 0 && site[0] is not ("same-origin" or "none"))
        {
            return "only the inspector's own page may read this";
        }

        return null;
    }
}
