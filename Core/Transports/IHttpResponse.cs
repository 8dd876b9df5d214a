namespace PluginNet.Core.Transports;

/// <summary>The answer to one HTTP request a route received; the first answer wins.</summary>
public interface IHttpResponse
{
    /// <summary>Cancelled once the request is over: answered, timed out (504), aborted by the client, or the server closed (503).</summary>
    CancellationToken Ended { get; }

    /// <summary>
    /// Answers with <paramref name="status"/> (200–599), the headers in order and the body. Any thread;
    /// never blocks. False when the request is already over, so nothing was sent.
    /// </summary>
    /// <remarks>
    /// The transport writes the body's length itself: <c>Content-Length</c> and <c>Transfer-Encoding</c>
    /// are not allowed in <paramref name="headers"/>, nor CR, LF or NUL anywhere in them; such an answer
    /// is sent as a bare 500 instead.
    /// </remarks>
    bool Send(int status, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body);
}
