using PluginNet.Core.Transports;

namespace PluginNet.Plugins.WsServer.Internal;

// The plain HTTP side of a server (routes and static folders): the pipeline lives in HttpPipeline.
internal sealed partial class KestrelWebSocketServer : IHttpRouting
{
    /// <inheritdoc />
    public long AddRoute(string method, string path) => _http.Routes.Add(method, path);

    /// <inheritdoc />
    public void AddStaticFolder(string prefix, string folder) =>
        _http.AddStaticFolder(prefix, folder, _app!.Environment);
}
