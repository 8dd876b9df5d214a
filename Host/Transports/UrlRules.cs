using System.Globalization;
using System.Text;

namespace PluginNet.Host.Transports;

/// <summary>
/// What the host does with parts of a URL that .NET either rejects without a reason or drops without a
/// word: a port above 65535 is named as such, and <c>user:password@</c> becomes Basic authorization
/// (as curl and browsers send it) instead of being lost.
/// </summary>
internal static class UrlRules
{
    /// <summary>"port 99999 in '…' is out of range (…)" when the URL's port is above 65535; otherwise null.</summary>
    public static string? PortOutOfRange(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }

        var start = scheme + 3;
        var end = url.AsSpan(start).IndexOfAny('/', '?', '#');
        var authority = url.AsSpan(start, end < 0 ? url.Length - start : end);
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        var colon = authority.LastIndexOf(':');
        if (colon < 0 || authority[(colon + 1)..].Contains(']'))
        {
            return null; // no port, or the colon was inside an IPv6 address
        }

        var digits = authority[(colon + 1)..];
        return digits.Length > 0 && IsAllDigits(digits)
            && (digits.Length > 5 || int.Parse(digits, CultureInfo.InvariantCulture) > 65535)
            ? $"port {digits} in '{url}' is out of range (ports go from 1 to 65535)"
            : null;
    }

    /// <summary>
    /// <paramref name="uri"/> without its <c>user:password@</c>, with an <c>Authorization: Basic …</c>
    /// header added for it unless <paramref name="headers"/> already has an Authorization header (the
    /// script's own header wins). Unchanged when the URL has no user information.
    /// </summary>
    public static Uri MoveUserInfoToHeader(Uri uri, List<KeyValuePair<string, string>> headers)
    {
        if (uri.UserInfo.Length == 0)
        {
            return uri;
        }

        if (!headers.Any(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Authorization", BasicAuthorization(uri.UserInfo)));
        }

        return new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri;
    }

    /// <summary>"Basic " and base64 of user:password, each part percent-decoded and sent as UTF-8.</summary>
    public static string BasicAuthorization(string userInfo)
    {
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        var password = colon < 0 ? string.Empty : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
    }

    private static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
