namespace PluginNet.Core.Observation;

/// <summary>What happened on an observed UDP socket.</summary>
public enum UdpObservationKind
{
    /// <summary>The socket was bound.</summary>
    Opened,

    /// <summary>The script sent a datagram.</summary>
    Sent,

    /// <summary>A datagram arrived for the script.</summary>
    Received,

    /// <summary>The socket was closed.</summary>
    Closed,

    /// <summary>A send or the socket failed; <see cref="UdpObservation.Error"/> says why.</summary>
    Failed,
}

/// <summary>One event on a UDP socket of a script.</summary>
/// <param name="Script">The script's name.</param>
/// <param name="Socket">The socket's id within the script's run.</param>
/// <param name="Kind">What happened.</param>
/// <param name="At">When it happened.</param>
public sealed record UdpObservation(string Script, long Socket, UdpObservationKind Kind, DateTimeOffset At)
{
    /// <summary>The local address and port the socket is bound to, e.g. <c>127.0.0.1:40000</c>.</summary>
    public string? Local { get; init; }

    /// <summary>The peer of a datagram, e.g. <c>127.0.0.1:9000</c>.</summary>
    public string? Remote { get; init; }

    /// <summary>The datagram; shared with the host, so an observer that keeps it must copy (and bound) what it keeps.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Why it failed, in the words the script hears.</summary>
    public string? Error { get; init; }
}
