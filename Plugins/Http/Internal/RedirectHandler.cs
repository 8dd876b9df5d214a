using System.Net;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// Follows redirects itself (at most the exchange's <c>MaxRedirects</c>, 10 by default; 0 hands the
/// 3xx back as it is) so that every target is checked with the host's
/// <see cref="Core.Transports.HttpRequestSpec.CheckRedirect"/> before anything is sent to it: a
/// script's host permissions hold across redirects. Behaves like browsers for the method (303, and
/// 301/302 after a POST, become a GET without body) and drops credentials when the host changes.
/// </summary>
internal sealed class RedirectHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public static readonly HttpRequestOptionsKey<Func<Uri, string?>> CheckKey = new("PluginNet.CheckRedirect");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var state = ExchangeState.Of(request);
        var handedOver = state is { Measures: true } ? state.Elapsed : 0;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // No new connection marked it: the first hop went out on a pooled one, ready when handed over.
        state?.MarkConnected(handedOver);
        var maxHops = state?.MaxRedirects ?? Core.Transports.HttpRequestSpec.DefaultMaxRedirects;
        if (maxHops == 0)
        {
            return response; // follow_redirects = false: the 3xx itself, with its headers
        }

        for (var hop = 0; hop < maxHops && Target(request, response) is { } target; hop++)
        {
            if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            {
                response.Dispose();
                throw new RedirectRefusedException($"refused: {request.RequestUri} redirects to '{target}', which is not an http:// or https:// URL");
            }

            if (request.Options.TryGetValue(CheckKey, out var check) && check(target) is { } refusal)
            {
                response.Dispose();
                throw new RedirectRefusedException($"{refusal} (reached through a redirect from {request.RequestUri})");
            }

            var next = Follow(request, response.StatusCode, target);
            response.Dispose();
            request = next;
            if (state is not null)
            {
                state.Redirects = hop + 1;
            }

            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (Target(request, response) is { } further)
        {
            // Still redirected after the last hop allowed: a loop, most likely. Say so rather than hand
            // over the redirect itself as if it were the answer.
            response.Dispose();
            throw new RedirectRefusedException(maxHops == Core.Transports.HttpRequestSpec.DefaultMaxRedirects
                ? $"too many redirects: {request.RequestUri} still redirects (to '{further}') after {maxHops} hops; a redirect loop?"
                : $"too many redirects: {request.RequestUri} still redirects (to '{further}') after {maxHops} hops (follow_redirects = {maxHops})");
        }

        return response;
    }

    private static Uri? Target(HttpRequestMessage request, HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect
        && response.Headers.Location is { } location
            ? location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location)
            : null;

    private static HttpRequestMessage Follow(HttpRequestMessage request, HttpStatusCode status, Uri target)
    {
        var becomesGet = status == HttpStatusCode.SeeOther
            || (status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && request.Method == HttpMethod.Post);
        var next = new HttpRequestMessage(becomesGet ? HttpMethod.Get : request.Method, target)
        {
            Content = becomesGet ? null : request.Content,
            Version = request.Version,
        };
        var sameHost = string.Equals(request.RequestUri!.Host, target.Host, StringComparison.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            if (sameHost || !string.Equals(header.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                next.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)next.Options)[option.Key] = option.Value;
        }

        return next;
    }
}

/// <summary>A redirect the host (or the scheme rule) refused; its message is the script's error.</summary>
internal sealed class RedirectRefusedException(string message) : HttpRequestException(message);
