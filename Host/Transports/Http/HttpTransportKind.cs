using PluginNet.Core.Transports;
using PluginNet.Host.Lua;

namespace PluginNet.Host.Transports;

/// <summary><c>net.http</c>: served by <see cref="IHttpTransport"/>, limited by the <c>http</c> host list.</summary>
public sealed class HttpTransportKind : TransportKind<IHttpTransport>
{
    internal HttpTransportKind()
        : this(new HostListRule("http", "net.http"))
    {
    }

    private HttpTransportKind(HostListRule hosts)
        : base("http", "Http", hosts) => Hosts = hosts;

    /// <summary>The <c>http</c> list of hosts scripts may reach.</summary>
    public HostListRule Hosts { get; }

    internal override IScriptModule CreateBinder(NetServices net) => new HttpBinder(net);

    // The serving recorder (or other decorator) forwards to the next plugin that serves HTTP; every
    // other decorator lets go of its inner transport, so it never pins an unloaded plugin.
    internal override void Wire(IReadOnlyList<ITransportSource> plugins, object? serving)
    {
        foreach (var plugin in plugins)
        {
            if (plugin.Export(this) is not IHttpTransportDecorator decorator)
            {
                continue;
            }

            var inner = ReferenceEquals(decorator, serving)
                ? plugins.Where(p => p != plugin).Select(p => p.Export(this)).FirstOrDefault(t => t is not null) as IHttpTransport
                : null;
            decorator.SetInner(inner);
        }
    }
}
