namespace PluginNet.Core.Transports;

/// <summary>
/// What a server serving HTTP reports to the host: a request that matched a route. Implemented by
/// the host's <see cref="IWebSocketServerEvents"/> sink when it handles routes; a plugin checks for it.
/// </summary>
public interface IHttpServerEvents
{
    /// <summary>A request matched <paramref name="route"/>; its body is <see cref="IncomingRequest.Body"/>.</summary>
    /// <remarks>
    /// Called on the server's threads; return quickly, never throw. Answer through
    /// <paramref name="response"/> from any thread, now or later: unanswered, it gets 504 after
    /// <see cref="HttpServerOptions.AnswerTimeout"/>; when the server closes, 503.
    /// </remarks>
    void OnRequest(long route, IncomingRequest request, IHttpResponse response);
}
