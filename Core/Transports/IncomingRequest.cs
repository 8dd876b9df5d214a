namespace PluginNet.Core.Transports;

/// <summary>
/// The head of an HTTP request a loopback server received: a WebSocket handshake (given to
/// <c>on_open</c>) or a request for a route.
/// </summary>
/// <param name="Method">The HTTP method as sent ("GET" for a handshake).</param>
/// <param name="Path">The request path, percent-decoded, starting with "/".</param>
/// <param name="Query">The raw query string without its "?" ("" when there is none).</param>
/// <param name="Headers">Every request header in arrival order, repeats kept, names as sent.</param>
/// <param name="Remote">The peer as "address:port".</param>
public sealed record IncomingRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string Remote)
{
    /// <summary>The subprotocol the server chose for a WebSocket handshake; "" when none.</summary>
    public string Protocol { get; init; } = "";

    /// <summary>The request body, byte for byte (empty for a handshake).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }
}
