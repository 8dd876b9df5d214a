namespace PluginNet.Core.Transports;

/// <summary>One HTTP exchange as a script asked for it, already validated by the host.</summary>
/// <param name="Method">Upper-case HTTP method, e.g. <c>GET</c> or <c>PATCH</c>.</param>
/// <param name="Url">Absolute http or https URL.</param>
/// <param name="Headers">Request headers in the order the script gave them.</param>
/// <param name="Body">Request body bytes; empty for none.</param>
/// <param name="ContentType">Value of the Content-Type header, or null for none.</param>
/// <param name="Timeout">
/// Whole-exchange timeout, including the body; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
/// for none (never longer than a timer can wait, about 49.7 days).
/// </param>
/// <param name="SaveToFile">
/// Absolute path the body is streamed to instead of <see cref="HttpResult.Body"/>, or null.
/// The host has already checked that it lies inside the download folder.
/// </param>
/// <param name="MaxBodyBytes">Largest response body held in memory; a larger one fails the request.</param>
/// <param name="CheckRedirect">
/// Asked before a redirect is followed, with the absolute target: null to follow it, otherwise the
/// reason it is refused, which becomes the result's error (status 0, nothing sent to the target).
/// Lets the host apply a script's permissions to every hop. Null: follow redirects freely.
/// </param>
public sealed record HttpRequestSpec(
    string Method,
    Uri Url,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte> Body,
    string? ContentType,
    TimeSpan Timeout,
    string? SaveToFile,
    long MaxBodyBytes = HttpRequestSpec.DefaultMaxBodyBytes,
    Func<Uri, string?>? CheckRedirect = null)
{
    /// <summary>The default in-memory body cap: 64 MiB, as for WebSocket messages.</summary>
    public const long DefaultMaxBodyBytes = 64L * 1024 * 1024;

    /// <summary>
    /// The TLS and address checks every connection of this exchange must pass (the redirects' too); null
    /// for none (the system's TLS defaults, any address). A plugin keeps connections made under different
    /// rules apart.
    /// </summary>
    public ConnectionRules? Connection { get; init; }

    /// <summary>The default and largest number of redirects followed: 10.</summary>
    public const int DefaultMaxRedirects = 10;

    /// <summary>
    /// How many redirects are followed at most; 0 returns the first 3xx response itself (with its headers).
    /// One more redirect than this fails the request.
    /// </summary>
    public int MaxRedirects { get; init; } = DefaultMaxRedirects;

    /// <summary>Longest wait for a connection (DNS, TCP and TLS); infinite for none beyond <see cref="Timeout"/>.</summary>
    public TimeSpan ConnectTimeout { get; init; } = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>Longest wait for the next byte of the response once connected; infinite for none.</summary>
    public TimeSpan IdleTimeout { get; init; } = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Whether the transport should measure <see cref="HttpResult.Timings"/>: the host sets it only while
    /// an observer is attached, so an exchange nobody watches pays for no clock reads or timing records.
    /// </summary>
    public bool MeasureTimings { get; init; }

    /// <summary>
    /// Absolute path of a file sent as the request body, streamed from disk, or null. The host has already
    /// checked that it lies inside the download folder. Exclusive with <see cref="Body"/> and <see cref="Multipart"/>.
    /// </summary>
    public string? BodyFile { get; init; }

    /// <summary>A multipart/form-data body, or null. Exclusive with <see cref="Body"/> and <see cref="BodyFile"/>.</summary>
    public IReadOnlyList<HttpMultipartPart>? Multipart { get; init; }

    /// <summary>
    /// The cookie jar of the script that sends this exchange (cookies sent from it, Set-Cookie stored in
    /// it, across redirects too), or null to neither send nor keep cookies.
    /// </summary>
    public System.Net.CookieContainer? Cookies { get; init; }

    /// <summary>
    /// Largest body written to <see cref="SaveToFile"/> or handed to <see cref="Listener"/> in pieces (neither
    /// is held in memory, so <see cref="MaxBodyBytes"/> does not apply); a larger one fails the request and
    /// leaves no file. Null for no limit.
    /// </summary>
    public long? MaxStreamedBodyBytes { get; init; }

    /// <summary>Hears progress and, if it asks, the body in pieces; null for none.</summary>
    public IHttpExchangeListener? Listener { get; init; }
}
