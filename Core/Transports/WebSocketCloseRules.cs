using System.Text;

namespace PluginNet.Core.Transports;

/// <summary>
/// What may go into a close frame an endpoint sends (RFC 6455 §7.4), the one rule both WebSocket
/// plugins apply: the codes and the reason's length.
/// </summary>
public static class WebSocketCloseRules
{
    /// <summary>A close frame's payload is at most 125 bytes: two for the code, the rest for the reason.</summary>
    public const int MaxReasonBytes = 123;

    /// <summary>
    /// True for the codes an endpoint may send: 1000–1003, 1007–1014 and 3000–4999. 1004–1006 and 1015
    /// are reserved and never sent; 1016–2999 are reserved for future versions of the protocol.
    /// </summary>
    public static bool IsSendable(int code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    /// <summary>The codes <see cref="IsSendable"/> allows, in words for an error message.</summary>
    public const string SendableCodes = "1000-1003, 1007-1014 or 3000-4999";

    /// <summary>Cuts <paramref name="reason"/> to at most <see cref="MaxReasonBytes"/> UTF-8 bytes, never inside a character.</summary>
    public static string TruncateReason(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (Encoding.UTF8.GetByteCount(reason) <= MaxReasonBytes)
        {
            return reason;
        }

        var length = reason.Length;
        while (length > 0 && Encoding.UTF8.GetByteCount(reason.AsSpan(0, length)) > MaxReasonBytes)
        {
            length--;
        }

        // Do not leave half of a surrogate pair at the end.
        if (length > 0 && char.IsHighSurrogate(reason[length - 1]))
        {
            length--;
        }

        return reason[..length];
    }
}
