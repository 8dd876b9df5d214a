namespace PluginNet.Core.Observation;

/// <summary>Which end of a WebSocket a script holds.</summary>
public enum WebSocketSide
{
    /// <summary>A connection the script opened with <c>net.ws</c>.</summary>
    Client,

    /// <summary>A client connected to a server the script runs with <c>net.ws_server</c>.</summary>
    Server,
}

/// <summary>What happened on an observed WebSocket.</summary>
public enum WebSocketObservationKind
{
    /// <summary>The script asked to connect (client side; each reconnect attempt is another).</summary>
    Connecting,

    /// <summary>The handshake completed.</summary>
    Opened,

    /// <summary>The script sent a message (a broadcast is one per client).</summary>
    Sent,

    /// <summary>A message arrived for the script.</summary>
    Received,

    /// <summary>The connection closed; <see cref="WebSocketObservation.CloseCode"/> says how.</summary>
    Closed,

    /// <summary>Connecting or the connection failed; <see cref="WebSocketObservation.Error"/> says why.</summary>
    Failed,
}

/// <summary>One event on a WebSocket of a script.</summary>
/// <param name="Script">The script's name.</param>
/// <param name="Side">Client (<c>net.ws</c>) or server (<c>net.ws_server</c>).</param>
/// <param name="Connection">
/// The connection's id: on the client side the id of the script's connection handle, on the server side the
/// server's id; with <see cref="Client"/> they name one connection within the script's run.
/// </param>
/// <param name="Kind">What happened.</param>
/// <param name="At">When it happened.</param>
public sealed record WebSocketObservation(string Script, WebSocketSide Side, long Connection, WebSocketObservationKind Kind, DateTimeOffset At)
{
    /// <summary>Server side: the client's id as the script sees it; zero on the client side.</summary>
    public long Client { get; init; }

    /// <summary>The URL connected to (client side) or the server's address and path (server side).</summary>
    public string? Url { get; init; }

    /// <summary>
    /// The message of <see cref="WebSocketObservationKind.Sent"/> and <see cref="WebSocketObservationKind.Received"/>;
    /// shared with the host, so an observer that keeps it must copy (and bound) what it keeps.
    /// </summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>True for a binary message, false for text.</summary>
    public bool Binary { get; init; }

    /// <summary>The close code of <see cref="WebSocketObservationKind.Closed"/> (1006 when the connection was lost).</summary>
    public int? CloseCode { get; init; }

    /// <summary>The close reason, when one was given.</summary>
    public string? CloseReason { get; init; }

    /// <summary>Why it failed, in the words the script hears.</summary>
    public string? Error { get; init; }
}
