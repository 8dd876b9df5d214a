namespace PluginNet.Core.Observation;

/// <summary>
/// Watches what scripts do on the network, for an inspector or an embedding application's own tooling.
/// The host calls it from the menu thread and from transport threads, so an implementation must be
/// thread-safe and quick (copy what it keeps, never block). When no observer is attached the host does
/// nothing beyond a null check.
/// </summary>
public interface INetObserver
{
    /// <summary>A script was loaded, failed to load, or was unloaded.</summary>
    void OnScript(ScriptObservation observation)
    {
    }

    /// <summary>An HTTP exchange of a script started (left its script's queue) or finished.</summary>
    /// <remarks>
    /// The request and result are the host's own objects, shared and not copied: an observer that keeps a
    /// body must copy (and bound) what it keeps.
    /// </remarks>
    void OnHttp(HttpObservation observation)
    {
    }

    /// <summary>A WebSocket of a script (client or server side) connected, carried a message, closed or failed.</summary>
    /// <remarks>The payload is the host's own buffer: an observer that keeps it must copy (and bound) it.</remarks>
    void OnWebSocket(WebSocketObservation observation)
    {
    }

    /// <summary>A UDP socket of a script was bound, carried a datagram, closed or failed.</summary>
    /// <remarks>The payload is the host's own buffer: an observer that keeps it must copy (and bound) it.</remarks>
    void OnUdp(UdpObservation observation)
    {
    }
}
