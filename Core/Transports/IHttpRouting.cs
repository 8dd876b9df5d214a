namespace PluginNet.Core.Transports;

/// <summary>
/// A loopback server that also answers plain HTTP requests: routes, answered by the host through
/// <see cref="IHttpServerEvents"/>, then static folders, served by the plugin, else 404.
/// </summary>
/// <remarks>
/// An optional capability of an <see cref="IWebSocketServer"/>: a plugin written before it still
/// serves WebSockets. Any thread; routes and folders added while requests arrive apply to later ones.
/// </remarks>
public interface IHttpRouting
{
    /// <summary>Adds a route and returns its id (positive, unique per server); routes are tried in the order added.</summary>
    /// <param name="method">An HTTP method in upper case ("GET", "POST", ...) or "*" for every method.</param>
    /// <param name="path">An exact path starting with "/", or one ending in "*": every path that starts with what precedes it.</param>
    /// <exception cref="ArgumentException">The method or path is not of that form.</exception>
    long AddRoute(string method, string path);

    /// <summary>Serves the files under <paramref name="folder"/> at the URL prefix <paramref name="prefix"/>.</summary>
    /// <remarks>
    /// GET and HEAD only, with content types, ETag and If-None-Match (304), Range (206) and
    /// <c>index.html</c> for a folder. Nothing outside <paramref name="folder"/> is reachable, also
    /// not through a symbolic link inside it. The host decides which folders a script may serve.
    /// </remarks>
    /// <param name="prefix">A path starting with "/" ("/" serves the whole site).</param>
    /// <param name="folder">An absolute path of an existing folder.</param>
    /// <exception cref="ArgumentException">The prefix is not a path, or the folder is not an existing absolute folder.</exception>
    void AddStaticFolder(string prefix, string folder);
}
