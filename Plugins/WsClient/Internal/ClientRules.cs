using System.Diagnostics.CodeAnalysis;

namespace PluginNet.Plugins.WsClient.Internal;

/// <summary>The client's rules on what it is given: which URLs it connects to and how it names sizes in errors (close codes and reasons: Core's <c>WebSocketCloseRules</c>).</summary>
internal static class ClientRules
{
    /// <summary>An absolute ws:// or wss:// URL, its fragment dropped; otherwise false and an error that says why.</summary>
    public static bool TryParseUrl(string url, [NotNullWhen(true)] out Uri? uri, out string error)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "malformed URL: the URL is empty";
            return false;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.IsFile || parsed.IsUnc)
        {
            error = $"malformed URL '{Shorten(url)}': not an absolute ws:// or wss:// URL";
            return false;
        }

        if (parsed.Scheme is not ("ws" or "wss"))
        {
            error = $"unsupported URL scheme '{parsed.Scheme}' in '{Shorten(url)}': expected ws:// or wss://";
            return false;
        }

        // A #fragment is never sent to the server: dropped, as browsers and net.http do.
        uri = parsed.Fragment.Length > 0 ? new UriBuilder(parsed) { Fragment = string.Empty }.Uri : parsed;
        error = string.Empty;
        return true;
    }

    /// <summary>A URL cut to 200 characters for an error message.</summary>
    public static string Shorten(string url) => url.Length <= 200 ? url : string.Concat(url.AsSpan(0, 200), "…");

    /// <summary>A byte limit as an error message says it: "64 MB", or a number of bytes.</summary>
    public static string LimitText(long limit) =>
        limit % (1024 * 1024) == 0 ? $"{limit / (1024 * 1024)} MB" : $"{limit} bytes";
}
