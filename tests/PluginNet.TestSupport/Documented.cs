namespace PluginNet.TestSupport;

/// <summary>
/// The values docs/API.md promises, written out: tests check the product against its documentation,
/// not against the product's own constants (a changed constant would silently change such a test with it).
/// </summary>
public static class Documented
{
    /// <summary>Close code: normal closure (<c>srv:disconnect</c>'s default).</summary>
    public const int NormalClosure = 1000;

    /// <summary>Close code: going away (<c>srv:close()</c>, script or plugin unload).</summary>
    public const int GoingAway = 1001;

    /// <summary>Close code: protocol error.</summary>
    public const int ProtocolError = 1002;

    /// <summary>Close code reported when a connection ended without a close frame.</summary>
    public const int AbnormalClosure = 1006;

    /// <summary>Close code: a text message that is not UTF-8.</summary>
    public const int InvalidPayload = 1007;

    /// <summary>Close code: a client too slow to keep up (its queue passed the limit).</summary>
    public const int PolicyViolation = 1008;

    /// <summary>Close code: a message over the size limit.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>Close code: try again later (the server's budget for messages still arriving is spent).</summary>
    public const int TryAgainLater = 1013;

    /// <summary>The largest single WebSocket message, client and server: 64 MiB.</summary>
    public const long MaxMessageBytes = 64L * 1024 * 1024;

    /// <summary>Bytes one server client may let queue up before it is closed with 1008: 16 MiB.</summary>
    public const long MaxQueuedBytesPerClient = 16L * 1024 * 1024;

    /// <summary>WebSocket connect (client) and handshake (server) timeout: 10 s.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
}
