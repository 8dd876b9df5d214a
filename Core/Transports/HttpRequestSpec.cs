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
}
