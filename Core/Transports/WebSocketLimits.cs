namespace PluginNet.Core.Transports;

/// <summary>Protocol numbers shared by the WebSocket client and server.</summary>
public static class WebSocketLimits
{
    /// <summary>Largest single message accepted in either direction: 64 MiB.</summary>
    public const long MaxMessageBytes = 64L * 1024 * 1024;

    /// <summary>How long a connect or an incoming handshake may take.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Normal closure.</summary>
    public const int NormalClosure = 1000;

    /// <summary>Going away: server shutdown, script unload, plugin unload.</summary>
    public const int GoingAway = 1001;

    /// <summary>No close frame was received (failed connect, dropped connection).</summary>
    public const int AbnormalClosure = 1006;

    /// <summary>Invalid payload data, such as bad UTF-8 in a text message.</summary>
    public const int InvalidPayload = 1007;

    /// <summary>Policy violation, used for a client too slow to keep up with its queue.</summary>
    public const int PolicyViolation = 1008;

    /// <summary>Message too big.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>Try again later: the server is out of a shared resource (its memory budget for partial messages).</summary>
    public const int TryAgainLater = 1013;

    /// <summary>Default bytes all clients of one server may hold in partly received messages (256 MiB).</summary>
    public const long MaxReassemblyBytesPerServer = 256L * 1024 * 1024;

    /// <summary>Default bytes all servers of one process may hold in partly received messages (512 MiB).</summary>
    public const long MaxReassemblyBytesPerProcess = 512L * 1024 * 1024;
}
