namespace PluginNet.Plugins.Http.Internal;

/// <summary>A response's headers (content headers included) in arrival order, every repeat kept, for <see cref="PluginNet.Core.Transports.HttpResult.Headers"/>.</summary>
internal static class ResponseHeaders
{
    public static List<KeyValuePair<string, string>> Of(HttpResponseMessage response)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value));
            }
        }

        foreach (var (name, values) in response.Content.Headers.NonValidated)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value));
            }
        }

        return headers;
    }
}
