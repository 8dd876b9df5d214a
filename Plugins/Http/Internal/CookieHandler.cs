using System.Net;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>
/// Sends and keeps cookies for the one script that made a request, on every hop of it. It sits under
/// <see cref="RedirectHandler"/>, so each redirect hop is sent with the cookies for its own URL and
/// each hop's Set-Cookie is kept. The jar travels with the request (in its options), never with the
/// client: clients are shared between scripts, jars never are. The handler below has
/// UseCookies = false (RestSharp's setting), so nothing else keeps cookies.
/// </summary>
internal sealed class CookieHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public static readonly HttpRequestOptionsKey<CookieContainer> JarKey = new("PluginNet.Cookies");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(JarKey, out var jar) || request.RequestUri is not { } uri)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var cookies = jar.GetCookieHeader(uri);
        HttpResponseMessage response;
        if (cookies.Length == 0)
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A Cookie header the script set itself comes first; the jar's cookies follow it.
            var given = request.Headers.TryGetValues("Cookie", out var values) ? string.Join("; ", values) : null;
            request.Headers.Remove("Cookie");
            request.Headers.TryAddWithoutValidation("Cookie", given is null ? cookies : given + "; " + cookies);
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // The next hop copies this request's headers: it must get the script's header only, and
                // the cookies of its own URL from the jar, not this URL's.
                request.Headers.Remove("Cookie");
                if (given is not null)
                {
                    request.Headers.TryAddWithoutValidation("Cookie", given);
                }
            }
        }

        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                try
                {
                    jar.SetCookies(uri, setCookie);
                }
                catch (CookieException)
                {
                    // A malformed or foreign-domain cookie is ignored, as a browser ignores it.
                }
            }
        }

        return response;
    }
}
