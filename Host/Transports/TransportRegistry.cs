using PluginNet.Core.Transports;

namespace PluginNet.Host.Transports;

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

    // Replaced whole on every change, so a reader on another thread sees one consistent picture.
    private volatile Dictionary<TransportKind, Served> _providers = [];

    /// <summary>The HTTP transport, or null when no plugin provides one.</summary>
    public TransportProvider<IHttpTransport>? Http => Get(TransportKind.Http);

    /// <summary>The WebSocket client transport, or null.</summary>
    public TransportProvider<IWebSocketClientTransport>? WebSocketClient => Get(TransportKind.WebSocketClient);

    /// <summary>The WebSocket server transport, or null.</summary>
    public TransportProvider<IWebSocketServerTransport>? WebSocketServer => Get(TransportKind.WebSocketServer);

    /// <summary>The transport serving <paramref name="kind"/> and its plugin, or null when none does.</summary>
    public TransportProvider<T>? Get<T>(TransportKind<T> kind)
        where T : class =>
        _providers.TryGetValue(kind, out var served) ? (TransportProvider<T>)served.Provider : null;

    /// <summary>The plugin serving <paramref name="kind"/>, or null.</summary>
    public string? ProviderOf(TransportKind kind) => _providers.TryGetValue(kind, out var served) ? served.PluginName : null;

    /// <summary>Sets which plugin should serve <paramref name="kind"/> when it is loaded.</summary>
    public void Prefer(TransportKind kind, string pluginName) => _preferred[kind] = pluginName;

    /// <summary>
    /// Serves <paramref name="kind"/> with a transport the application provides itself (no plugin),
    /// such as a test double or a game's own HTTP stack. It stays until <see cref="Unpin"/>.
    /// </summary>
    public void Pin(TransportKind kind, string providerName, object transport)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(transport);
        if (!kind.Contract.IsInstanceOfType(transport))
        {
            throw new ArgumentException($"{transport.GetType().Name} does not implement the {kind.Key} transport contract", nameof(transport));
        }

        _pinned[kind] = new KeyValuePair<string, object>(providerName, transport);
        _providers = new(_providers) { [kind] = new(providerName, kind.Provide(providerName, transport)) };
    }

    /// <summary>Stops serving <paramref name="kind"/> from a pinned transport; plugins serve it again after <see cref="Rebuild"/>.</summary>
    public void Unpin(TransportKind kind) => _pinned.Remove(kind);

    /// <summary>
    /// Recomputes every transport from the loaded plugins: the preferred plugin when it is loaded and
    /// serves the transport, otherwise the first loaded plugin that does.
    /// </summary>
    public void Rebuild(IReadOnlyList<ITransportSource> plugins)
    {
        var providers = new Dictionary<TransportKind, Served>();
        foreach (var kind in TransportKind.All)
        {
            var chosen = Pick(plugins, kind);
            var serving = chosen?.Export(kind);
            kind.Wire(plugins, serving);
            if (_pinned.TryGetValue(kind, out var pinned))
            {
                providers[kind] = new(pinned.Key, kind.Provide(pinned.Key, pinned.Value));
            }
            else if (chosen is not null)
            {
                providers[kind] = new(chosen.Name, kind.Provide(chosen.Name, serving!));
            }
        }

        _providers = providers;
    }

    private ITransportSource? Pick(IReadOnlyList<ITransportSource> plugins, TransportKind kind)
    {
        ITransportSource? chosen = null;
        if (_preferred.TryGetValue(kind, out var name))
        {
            chosen = plugins.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && p.Export(kind) is not null);
        }

        return chosen ?? plugins.FirstOrDefault(p => p.Export(kind) is not null);
    }

    private sealed record Served(string PluginName, object Provider);
}
