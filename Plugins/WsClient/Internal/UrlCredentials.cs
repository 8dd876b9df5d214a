using System.Net.WebSockets;
using System.Text;

namespace PluginNet.Plugins.WsClient.Internal;

/// <summary>
/// <c>ws://user:password@host/</c>: the credentials go in the handshake as <c>Authorization: Basic …</c>
/// (as net.http sends them, and curl), and the URL is used without them.
/// </summary>
internal static class UrlCredentials
{
    public static Uri Apply(Uri uri, ClientWebSocketOptions options)
    {
        if (uri.UserInfo.Length == 0)
        {
            return uri;
        }

        var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
        var password = colon < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri;
    }
}
