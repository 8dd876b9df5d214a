using PluginNet.Core.Transports;
using PluginNet.Host.Lua;

namespace PluginNet.Host.Transports;

/// <summary>
/// <c>net.udp</c>: served by <see cref="IUdpTransport"/>. Sockets bind 127.0.0.1 (the <c>listen</c>
/// port list applies); sending beyond loopback needs the host in the <c>udp</c> list.
/// </summary>
public sealed class UdpTransportKind : TransportKind<IUdpTransport>
{
    internal UdpTransportKind()
        : this(new HostListRule("udp", "net.udp"))
    {
    }

    private UdpTransportKind(HostListRule hosts)
        : base("udp", "Udp", hosts) => Hosts = hosts;

    /// <summary>The <c>udp</c> list: hosts besides loopback that scripts may send datagrams to.</summary>
    public HostListRule Hosts { get; }

    internal override IScriptModule CreateBinder(NetServices net) => new UdpBinder(net);
}
