using PluginNet.Core.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>A transport with the name of the plugin that serves it.</summary>
/// <typeparam name="T">The transport contract.</typeparam>
public sealed record TransportProvider<T>(string PluginName, T Transport)
    where T : class;

/// <summary>
/// Which plugin serves each transport right now. Scripts look their transport up here on every
/// call, so a plugin loaded, unloaded or switched at run time takes effect without reloading them.
/// </summary>
/// <remarks>Read from any thread; changed on the menu thread.</remarks>
public sealed class TransportRegistry
{
    private readonly Dictionary<TransportKind, string> _preferred = [];
    private readonly Dictionary<TransportKind, KeyValuePair<string, object>> _pinned = [];
    private volatile TransportProvider<IHttpTransport>? _http;
    private volatile TransportProvider<IWebSocketClientTransport>? _webSocketClient;
    private volatile TransportProvider<IWebSocketServerTransport>? _webSocketServer;

    /// <summary>The HTTP transport, or null when no plugin provides one.</summary>
    public TransportProvider<IHttpTransport>? Http => _http;

    /// <summary>The WebSocket client transport, or null.</summary>
    public TransportProvider<IWebSocketClientTransport>? WebSocketClient => _webSocketClient;

    /// <summary>The WebSocket server transport, or null.</summary>
    public TransportProvider<IWebSocketServerTransport>? WebSocketServer => _webSocketServer;

    /// <summary>The plugin serving <paramref name="kind"/>, or null.</summary>
    public string? ProviderOf(TransportKind kind) => kind switch
    {
        TransportKind.Http => _http?.PluginName,
        TransportKind.WebSocketClient => _webSocketClient?.PluginName,
        _ => _webSocketServer?.PluginName,
    };

    /// <summary>Sets which plugin should serve <paramref name="kind"/> when it is loaded.</summary>
    public void Prefer(TransportKind kind, string pluginName) => _preferred[kind] = pluginName;

    /// <summary>
    /// Serves <paramref name="kind"/> with a transport the application provides itself (no plugin),
    /// such as a test double or a game's own HTTP stack. It stays until <see cref="Unpin"/>.
    /// </summary>
    public void Pin(TransportKind kind, string providerName, object transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var fits = kind switch
        {
            TransportKind.Http => transport is IHttpTransport,
            TransportKind.WebSocketClient => transport is IWebSocketClientTransport,
            _ => transport is IWebSocketServerTransport,
        };
        if (!fits)
        {
            throw new ArgumentException($"{transport.GetType().Name} does not implement the {kind.Key()} transport contract", nameof(transport));
        }

        _pinned[kind] = new KeyValuePair<string, object>(providerName, transport);
        Apply(kind, providerName, transport);
    }

    /// <summary>Stops serving <paramref name="kind"/> from a pinned transport; plugins serve it again after <see cref="Rebuild"/>.</summary>
    public void Unpin(TransportKind kind) => _pinned.Remove(kind);

    /// <summary>
    /// Recomputes every transport from the loaded plugins: the preferred plugin when it is loaded and
    /// serves the transport, otherwise the first loaded plugin that does.
    /// </summary>
    public void Rebuild(IReadOnlyList<LoadedPlugin> plugins)
    {
        _http = Pick(plugins, TransportKind.Http, p => p.Http);
        WireDecorators(plugins);

        _webSocketClient = Pick(plugins, TransportKind.WebSocketClient, p => p.WebSocketClient);
        _webSocketServer = Pick(plugins, TransportKind.WebSocketServer, p => p.WebSocketServer);
        foreach (var (kind, pinned) in _pinned)
        {
            Apply(kind, pinned.Key, pinned.Value);
        }
    }

    // The serving recorder (or other decorator) forwards to the next plugin that serves HTTP; every
    // other decorator lets go of its inner transport, so it never pins an unloaded plugin.
    private void WireDecorators(IReadOnlyList<LoadedPlugin> plugins)
    {
        foreach (var plugin in plugins)
        {
            if (plugin.Http is not IHttpTransportDecorator decorator)
            {
                continue;
            }

            var serving = ReferenceEquals(plugin.Http, _http?.Transport);
            var inner = serving ? plugins.FirstOrDefault(p => p.Http is not null && p != plugin)?.Http : null;
            decorator.SetInner(inner);
        }
    }

    private void Apply(TransportKind kind, string name, object transport)
    {
        switch (kind)
        {
            case TransportKind.Http:
                _http = new(name, (IHttpTransport)transport);
                break;
            case TransportKind.WebSocketClient:
                _webSocketClient = new(name, (IWebSocketClientTransport)transport);
                break;
            default:
                _webSocketServer = new(name, (IWebSocketServerTransport)transport);
                break;
        }
    }

    private TransportProvider<T>? Pick<T>(IReadOnlyList<LoadedPlugin> plugins, TransportKind kind, Func<LoadedPlugin, T?> get)
        where T : class
    {
        LoadedPlugin? chosen = null;
        if (_preferred.TryGetValue(kind, out var name))
        {
            chosen = plugins.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && get(p) is not null);
        }

        chosen ??= plugins.FirstOrDefault(p => get(p) is not null);
        return chosen is null ? null : new TransportProvider<T>(chosen.Name, get(chosen)!);
    }
}
