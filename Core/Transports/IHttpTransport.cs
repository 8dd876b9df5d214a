namespace PluginNet.Core.Transports;

/// <summary>Carries HTTP requests for <c>net.http</c>. Exported by an HTTP plugin.</summary>
/// <remarks>
/// Called from the menu thread; must not block it: all network work happens after the first await.
/// Implementations are shared by every script and must be thread-safe.
/// </remarks>
public interface IHttpTransport
{
    /// <summary>Sends one request and completes with its outcome.</summary>
    /// <remarks>
    /// Failures (refused, DNS, timeout, non-2xx) are results, never exceptions. The task is
    /// cancelled only through <paramref name="cancellationToken"/> (script or plugin unload); then
    /// any partial <see cref="HttpRequestSpec.SaveToFile"/> download is removed.
    /// </remarks>
    Task<HttpResult> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken);
}
