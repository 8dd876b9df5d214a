using System.Composition.Hosting;
using System.Runtime.Loader;
using McMaster.NETCore.Plugins;
using PluginNet.Core.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>A plugin loaded into its own collectible load context, with the transports it exports.</summary>
public sealed class LoadedPlugin
{
    private PluginLoader? _loader;
    private CompositionHost? _container;

    internal LoadedPlugin(PluginEntry entry, PluginLoader loader, CompositionHost container)
    {
        Entry = entry;
        _loader = loader;
        _container = container;
        Http = container.GetExports<IHttpTransport>().FirstOrDefault();
        WebSocketClient = container.GetExports<IWebSocketClientTransport>().FirstOrDefault();
        WebSocketServer = container.GetExports<IWebSocketServerTransport>().FirstOrDefault();
    }

    /// <summary>The <c>plugins.json</c> entry it was loaded from.</summary>
    public PluginEntry Entry { get; }

    /// <summary>The plugin's name.</summary>
    public string Name => Entry.Name;

    /// <summary>Its HTTP transport, if it exports one.</summary>
    public IHttpTransport? Http { get; private set; }

    /// <summary>Its WebSocket client transport, if it exports one.</summary>
    public IWebSocketClientTransport? WebSocketClient { get; private set; }

    /// <summary>Its WebSocket server transport, if it exports one.</summary>
    public IWebSocketServerTransport? WebSocketServer { get; private set; }

    /// <summary>The transports this plugin serves.</summary>
    public IEnumerable<TransportKind> Serves()
    {
        if (Http is not null)
        {
            yield return TransportKind.Http;
        }

        if (WebSocketClient is not null)
        {
            yield return TransportKind.WebSocketClient;
        }

        if (WebSocketServer is not null)
        {
            yield return TransportKind.WebSocketServer;
        }
    }

    /// <summary>
    /// Disposes the exports and the container, then unloads the load context. Returns a weak
    /// reference to the context so a caller can prove it is collected. Call only once no script
    /// resource of this plugin is left.
    /// </summary>
    internal async Task<WeakReference> UnloadAsync()
    {
        var context = new WeakReference(_loader?.LoadContext);
        object?[] exports = [Http, WebSocketClient, WebSocketServer];
        Http = null;
        WebSocketClient = null;
        WebSocketServer = null;
        foreach (var export in exports.Distinct())
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
