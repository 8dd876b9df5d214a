using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Replay.Internal;

/// <summary>What the transport does with a request: replay it from the cassette or record it.</summary>
internal interface ICassetteMode
{
    /// <summary>
    /// Called on the menu thread. Everything that fixes the order of requests (which recording a
    /// repeated request gets, the number of a new recording) happens before the first await.
    /// </summary>
    Task<HttpResult> SendAsync(IHttpTransport? inner, HttpRequestSpec request, CancellationToken cancellationToken);
}
