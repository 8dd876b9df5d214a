using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace PluginNet.Plugins.WsClient.Internal;

/// <summary>The client's rules on what it is given: which URLs it connects to, which close codes and reasons it sends, and how it names sizes in errors.</summary>
internal static class ClientRules
{
    // Largest close reason a close frame can carry (125-byte control payload minus the 2-byte code).
    private const int MaxCloseReasonBytes = 123;

    /// <summary>A code a client may send in a close frame: 1000–4999 except the reserved 1004–1006 and 1015.</summary>
    public static bool IsSendableCloseCode(int code) =>
        code is >= 1000 and <= 4999 and not (1004 or 1005 or 1006 or 1015);

    /// <summary>The reason cut to what a close frame can carry (123 UTF-8 bytes), never inside a surrogate pair.</summary>
    public static string TrimCloseReason(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= MaxCloseReasonBytes)
        {
            return reason;
        }

        var end = reason.Length;
        while (end > 0 && Encoding.UTF8.GetByteCount(reason.AsSpan(0, end)) > MaxCloseReasonBytes)
        {
            end--;
        }

        if (end > 0 && char.IsHighSurrogate(reason[end - 1]))
        {
            end--;
        }

        return reason[..end];
    }

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
