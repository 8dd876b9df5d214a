namespace PluginNet.Core.Transports;

/// <summary>The outcome of one HTTP exchange, exactly the fields a script's <c>resp</c> table gets.</summary>
/// <param name="Status">HTTP status code, or 0 when no response arrived.</param>
/// <param name="Body">Response body bytes (empty when saved to a file or when nothing arrived).</param>
/// <param name="Error">Empty on success; otherwise what went wrong, in words a modder can act on.</param>
/// <param name="Ok">True only when a response arrived with a 2xx status (and any file was saved).</param>
public sealed record HttpResult(int Status, byte[] Body, string Error, bool Ok)
{
    /// <summary>A response arrived; <see cref="Ok"/> follows from the status.</summary>
    public static HttpResult FromResponse(int status, byte[] body, string? reasonPhrase) =>
        status is >= 200 and <= 299
            ? new HttpResult(status, body, string.Empty, true)
            : new HttpResult(status, body, $"HTTP {status} {reasonPhrase}".TrimEnd(), false);

    /// <summary>No usable response: status 0, empty body, the reason in <see cref="Error"/>.</summary>
    public static HttpResult Failure(string error) => new(0, [], error, false);

    /// <summary>The response's headers (content headers included) in arrival order, every repeat kept; empty when none arrived.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The URL the final response came from, after any redirects; null when none arrived.</summary>
    public Uri? FinalUrl { get; init; }

    /// <summary>How many redirects were followed.</summary>
    public int Redirects { get; init; }

    /// <summary>Why no response arrived, when the transport says (see <see cref="HttpFailureKind"/>).</summary>
    public HttpFailureKind FailureKind { get; init; }

    /// <summary>Time the host held the exchange back (rate limits, learned holds, retry back-off) before and between attempts.</summary>
    public TimeSpan Waited { get; init; }

    /// <summary>How many times the exchange was sent (more than 1 only when the script asked for retries).</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>
    /// When the transport had a connection and when the response's first byte arrived, measured from the
    /// moment it was handed the request; null when the transport does not measure them (an inspector shows
    /// only what it has) or was not asked to
    /// (<see cref="HttpRequestSpec.MeasureTimings"/>). A reused connection's <see cref="HttpTimings.Connected"/> is near zero.
    /// </summary>
    public HttpTimings? Timings { get; init; }
}
