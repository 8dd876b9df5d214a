using Microsoft.Extensions.Primitives;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>
/// Which browser pages may open a WebSocket to a loopback server: none (not a browser), <c>null</c>
/// (a page opened from a file), http(s) pages on localhost or 127.0.0.1, and the extra origins the
/// host configured. Anything else is refused, so a web site cannot hijack a local dashboard.
/// </summary>
internal sealed class OriginPolicy
{
    private readonly HashSet<string> _extra;

    public OriginPolicy(IEnumerable<string> allowedOrigins) =>
        _extra = new HashSet<string>(allowedOrigins.Select(Normalize), StringComparer.OrdinalIgnoreCase);

    public bool IsAllowed(StringValues origin)
    {
        if (origin.Count == 0)
        {
            return true;
        }

        // Browsers send exactly one Origin; several are not a browser we need to please.
        if (origin.Count > 1 || origin[0] is not { } value)
        {
            return false;
        }

        if (value.Equals("null", StringComparison.Ordinal) || _extra.Contains(Normalize(value)))
        {
            return true;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && (uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || uri.Host == "127.0.0.1")
            && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0;
    }

    private static string Normalize(string origin) => origin.Trim().TrimEnd('/');
}
