namespace PluginNet.Plugins.Inspector.Render;

/// <summary>
/// Hides secrets on the page and in the HAR unless asked: the values of credential headers and of
/// query parameters that carry tokens. The page shows them on a click (a same-origin request).
/// </summary>
internal static class Masking
{
    public const string Mask = "••••••";

    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-Auth-Token",
    };

    private static readonly HashSet<string> SecretParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "token", "access_token", "refresh_token", "id_token", "key", "api_key", "apikey", "password", "passwd",
        "secret", "client_secret", "sig", "signature", "auth",
    };

    public static bool IsSecretHeader(string name) => SecretHeaders.Contains(name);

    public static bool IsSecretParameter(string name) => SecretParameters.Contains(Uri.UnescapeDataString(name));

    public static string Header(string name, string value, bool unmask) => unmask || !IsSecretHeader(name) ? value : Mask;

    /// <summary>True when <paramref name="headers"/> or the URL hold anything masked.</summary>
    public static bool HasSecrets(IEnumerable<KeyValuePair<string, string>> headers, string url) =>
        headers.Any(h => IsSecretHeader(h.Key)) || Url(url, unmask: false) != url;

    /// <summary>The URL with secret query values replaced by the mask (the rest untouched, byte for byte).</summary>
    public static string Url(string url, bool unmask)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        if (unmask || q < 0)
        {
            return url;
        }

        var hash = url.IndexOf('#', q);
        var query = hash < 0 ? url[(q + 1)..] : url[(q + 1)..hash];
        var parts = query.Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && IsSecretParameter(parts[i][..eq]))
            {
                parts[i] = parts[i][..(eq + 1)] + Mask;
            }
        }

        return url[..(q + 1)] + string.Join('&', parts) + (hash < 0 ? string.Empty : url[hash..]);
    }
}
