namespace PluginNet.Core.Transports;

/// <summary>What a WebSocket client connection reports back to the host.</summary>
/// <remarks>
/// Called from the transport's own threads, one call at a time per connection and in this order:
/// <see cref="OnOpen()"/> at most once, then messages, then <see cref="OnClose"/> exactly once.
/// <see cref="OnError"/> may come before <see cref="OnClose"/>. Implementations must return quickly
/// (the host only queues the event for the menu thread) and must not throw.
/// </remarks>
public interface IWebSocketEvents
{
    /// <summary>The handshake completed.</summary>
    void OnOpen();

    /// <summary>The handshake completed, described by <paramref name="info"/>.</summary>
    /// <remarks>Defaults to <see cref="OnOpen()"/>, so a host written before it still hears the open.</remarks>
    void OnOpen(WebSocketOpenInfo info) => OnOpen();

    /// <summary>A whole (reassembled) message arrived. The array now belongs to the receiver.</summary>
    void OnMessage(byte[] payload, bool isText);

    /// <summary>Something failed; a close follows.</summary>
    void OnError(string message);

    /// <summary>The connection ended, whoever ended it. Always the last call.</summary>
    void OnClose(int code, string reason);
}
