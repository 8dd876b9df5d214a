using PluginNet.Core.Transports;
using PluginNet.Host.Lua;

namespace PluginNet.Host.Transports;

/// <summary><c>net.ws_server</c>: served by <see cref="IWebSocketServerTransport"/>, limited by the <c>listen</c> port list.</summary>
public sealed class WsServerTransportKind : TransportKind<IWebSocketServerTransport>
{
    internal WsServerTransportKind()
        : base("ws_server", "WsServer", PermissionRule.Listen)
    {
    }

    internal override IScriptModule CreateBinder(NetServices net) => new WsServerBinder(net);
}
