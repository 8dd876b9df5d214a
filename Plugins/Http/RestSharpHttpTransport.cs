using System.Composition;
using PluginNet.Core.Transports;
using PluginNet.Plugins.Http.Internal;
using RestSharp;

namespace PluginNet.Plugins.Http;

/// <summary>The HTTP transport of <c>net.http</c>, built on RestSharp.</summary>
/// <remarks>
/// RestSharp builds and sends the request; the plugin reads the response body itself so that
/// <c>save_to_file</c> streams to disk and an in-memory body is capped instead of buffered whole.
/// </remarks>
[Export(typeof(IHttpTransport))]
[Shared]
public sealed class RestSharpHttpTransport : IHttpTransport, IDisposable
{
    private readonly ClientsByRules _clients;

    /// <summary>Creates the transport with one shared client per set of connection rules (connection pooling across scripts).</summary>
    public RestSharpHttpTransport()
    {
        _clients = new ClientsByRules(connecting => new RestClient(new RestClientOptions
        {
            // Timeouts are per request (the script's), enforced by RequestExecutor.
            Timeout = Timeout.InfiniteTimeSpan,
            ThrowOnAnyError = false,
            // Redirects are followed by RedirectHandler, which asks the host about every hop; under it
            // `connecting` puts the handler that checks addresses and certificates (ConnectingHandler).
            FollowRedirects = false,
            // CookieHandler, between them, sends and keeps the script's cookies on every hop.
            ConfigureMessageHandler = inner => new RedirectHandler(new CookieHandler(connecting(inner))),
            UserAgent = "PluginNet",
        }));
    }

    /// <inheritdoc />
    public Task<HttpResult> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RequestExecutor.ExecuteAsync(_clients.For(request.Connection), request, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _clients.Dispose();
}
