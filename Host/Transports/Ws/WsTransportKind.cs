using PluginNet.Core.Transports;
using PluginNet.Host.Lua;

namespace PluginNet.Host.Transports;

/// <summary><c>net.ws</c>: served by <see cref="IWebSocketClientTransport"/>, limited by the <c>ws</c> host list.</summary>
public sealed class WsTransportKind : TransportKind<IWebSocketClientTransport>
{
    internal WsTransportKind()
        : this(new HostListRule("ws", "net.ws"))
    {
    }

    private WsTransportKind(HostListRule hosts)
        : base("ws", "WsClient", hosts) => Hosts = hosts;

    /// <summary>The <c>ws</c> list of hosts scripts may reach.</summary>
    public HostListRule Hosts { get; }

    internal override IScriptModule CreateBinder(NetServices net) => new WsBinder(net);
}
