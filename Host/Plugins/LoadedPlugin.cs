using System.Composition.Hosting;
using System.Runtime.Loader;
using McMaster.NETCore.Plugins;
using PluginNet.Core.Transports;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>A plugin loaded into its own collectible load context, with the transports it exports.</summary>
public sealed class LoadedPlugin : ITransportSource
{
    private PluginLoader? _loader;
    private readonly Dictionary<TransportKind, object> _exports = [];
    private CompositionHost? _container;

    internal LoadedPlugin(PluginEntry entry, PluginLoader loader, CompositionHost container)
    {
        Entry = entry;
        _loader = loader;
        _container = container;
        foreach (var kind in TransportKind.All)
        {
            if (container.GetExports(kind.Contract).FirstOrDefault() is { } export)
            {
                _exports[kind] = export;
            }
        }
    }

    /// <summary>The <c>plugins.json</c> entry it was loaded from.</summary>
    public PluginEntry Entry { get; }

    /// <summary>The plugin's name.</summary>
    public string Name => Entry.Name;

    /// <summary>Its HTTP transport, if it exports one.</summary>
    public IHttpTransport? Http => Export(TransportKind.Http) as IHttpTransport;

    /// <summary>Its WebSocket client transport, if it exports one.</summary>
    public IWebSocketClientTransport? WebSocketClient => Export(TransportKind.WebSocketClient) as IWebSocketClientTransport;

    /// <summary>Its WebSocket server transport, if it exports one.</summary>
    public IWebSocketServerTransport? WebSocketServer => Export(TransportKind.WebSocketServer) as IWebSocketServerTransport;

    /// <summary>What it exports for <paramref name="kind"/> (an instance of <see cref="TransportKind.Contract"/>), or null.</summary>
    public object? Export(TransportKind kind) => _exports.GetValueOrDefault(kind);

    /// <summary>The transports this plugin serves.</summary>
    public IEnumerable<TransportKind> Serves() => TransportKind.All.Where(_exports.ContainsKey);

    /// <summary>Everything it exports, once each.</summary>
    internal IEnumerable<object> Exports => _exports.Values.Distinct();

    /// <summary>
    /// Disposes the exports and the container, then unloads the load context. Returns a weak
    /// reference to the context so a caller can prove it is collected. Call only once no script
    /// resource of this plugin is left.
    /// </summary>
    internal async Task<WeakReference> UnloadAsync()
    {
        var context = new WeakReference(_loader?.LoadContext);
        var exports = Exports.ToList();
        _exports.Clear();
        foreach (var export in exports)
        {
            if (export is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
        }

        _container?.Dispose(); // disposes IDisposable shared parts
        _container = null;
        _loader?.Dispose(); // unloads the collectible context
        _loader = null;
        return context;
    }

    /// <summary>The load context, for diagnostics. Do not keep it: a strong reference pins the plugin.</summary>
    internal AssemblyLoadContext? LoadContext => _loader?.LoadContext;
}
