using System.Text;

namespace PluginNet.Plugins.WsServer.Internal;

/// <summary>What may go into a close frame this server sends (RFC 6455 §7.4).</summary>
internal static class CloseCodes
{
    /// <summary>A close frame's payload is at most 125 bytes: two for the code, the rest for the reason.</summary>
    public const int MaxReasonBytes = 123;

    /// <summary>True for the codes an endpoint may send: 1000–1003, 1007–1014 and 3000–4999.</summary>
    public static bool IsSendable(int code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);

    /// <summary>Cuts <paramref name="reason"/> to at most 123 UTF-8 bytes, never inside a character.</summary>
    public static string TruncateReason(string reason)
    {
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
