using PluginNet.Core.Transports;

namespace PluginNet.Plugins.Http.Internal;

/// <summary>What a result says about the response besides its body: headers, final URL, redirects.</summary>
internal static class ResponseDetails
{
    public static HttpResult Add(HttpResult result, HttpResponseMessage response, Uri requested) =>
        result with
        {
            Headers = Headers(response),
            FinalUrl = response.RequestMessage?.RequestUri ?? requested,
            Redirects = ExchangeState.Of(response.RequestMessage)?.Redirects ?? 0,
        };

    // Unvalidated, so every value is as the server sent it: three Set-Cookie lines stay three values.
    // HttpHeaders keeps names in first-arrival order with each name's values together; the content's
    // headers (Content-Type, Content-Length) come after the others.
    private static List<KeyValuePair<string, string>> Headers(HttpResponseMessage response)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            foreach (var value in values)
            {
                list.Add(new(name, value));
            }
        }

        foreach (var (name, values) in response.Content.Headers.NonValidated)
        {
            foreach (var value in values)
            {
                list.Add(new(name, value));
            }
        }

        return list;
    }
}
