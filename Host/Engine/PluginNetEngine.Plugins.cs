using PluginNet.Core.Resources;
using PluginNet.Host.Output;
using PluginNet.Host.Plugins;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Engine;

// Plugins while the engine runs: loading them from plugins.json or one by one, unloading them under
// running scripts, and choosing which plugin serves each transport.
public sealed partial class PluginNetEngine
{
    /// <summary>
    /// Loads every enabled plugin of <paramref name="config"/>; failures are reported and skipped,
    /// except that a plugin chosen in <c>transports</c> must load and serve its transport.
    /// </summary>
    /// <returns>The number of plugins loaded.</returns>
    /// <exception cref="PluginConfigException">
    /// A plugin chosen in <c>transports</c> did not load or does not serve that transport (the plugins
    /// that did load stay loaded; dispose the engine).
    /// </exception>
    public int LoadPlugins(PluginConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        foreach (var (kind, plugin) in config.Transports)
        {
            Transports.Prefer(kind, plugin);
        }

        var loaded = config.Plugins.Where(p => p.Enabled).Count(entry => Plugins.Load(entry) is not null);
        Transports.Rebuild(Plugins.Plugins);
        TransportChoices.Verify(config, Plugins.Plugins);
        ReportSharedTransports(config);
        return loaded;
    }

    // Two enabled plugins serving one transport, with no "transports" entry saying which: the first wins,
    // which may not be what the file's author meant.
    private void ReportSharedTransports(PluginConfig config)
    {
        foreach (var kind in TransportKind.All.Where(k => !config.Transports.ContainsKey(k)))
        {
            var serving = Plugins.Plugins.Where(p => p.Export(kind) is not null).Select(p => p.Name).ToList();
            if (serving.Count > 1)
            {
                Options.Output.Log(
                    LogLevel.Warn,
                    null,
                    $"plugins {TransportKind.Join(serving.Select(n => $"'{n}'"), "and")} all serve {kind.Key}; '{serving[0]}' serves it because it is listed first. Name the one you want in plugins.json \"transports\": {{ \"{kind.Key}\": \"{serving[0]}\" }}");
            }
        }
    }

    /// <summary>The <c>plugins.json</c> loaded with <see cref="LoadPlugins"/>, if any.</summary>
    public PluginConfig? Config => _config;

    /// <summary>
    /// Loads one plugin while the host runs; its transports serve already-running scripts from their
    /// next call on. Returns null (after reporting why) when it cannot be loaded. Menu thread.
    /// </summary>
    public LoadedPlugin? LoadPlugin(PluginEntry entry)
    {
        var plugin = Plugins.Load(entry);
        Transports.Rebuild(Plugins.Plugins);
        return plugin;
    }

    /// <summary>
    /// Unloads a plugin while scripts use it. At once, no new call reaches it; then every resource it
    /// serves is released and the scripts, which stay loaded, are told (pending HTTP callbacks get
    /// <c>ok=false</c>, connections and servers <c>on_close</c> with 1001); then its load context is
    /// unloaded. Start on the menu thread and do not block it on the result: the scripts' callbacks
    /// need it. The weak reference lets a caller prove the context is collected.
    /// </summary>
    public Task<WeakReference> UnloadPluginAsync(string name)
    {
        var plugin = Plugins.Find(name) ?? throw new ArgumentException($"no plugin named '{name}' is loaded", nameof(name));
        Plugins.Detach(plugin);
        Transports.Rebuild(Plugins.Plugins);
        return RetireAsync(plugin);
    }

    // Releases what the scripts hold of a plugin that no longer serves anything, then unloads it. The
    // ledgers are read before this returns (the release tasks take their entries at once), so a newer
    // version of the same plugin, switched in just before, keeps what scripts open on it from now on.
    private Task<WeakReference> RetireAsync(LoadedPlugin plugin)
    {
        var releases = _scripts.Select(s => s.Scope.Ledger.ReleasePluginAsync(plugin.Name, ReleaseReason.PluginUnloaded))
            .Append(_netServices.LastRequests.CancelPluginAsync(plugin.Name)).ToArray();
        return FinishAsync();

        async Task<WeakReference> FinishAsync()
        {
            try
            {
                await Task.WhenAll(releases).ConfigureAwait(false);
            }
            catch (AggregateException ex)
            {
                Options.Output.Log(LogLevel.Error, null, $"releasing resources of plugin '{plugin.Name}' failed: {ex.Flatten().Message}");
            }

            return await plugin.UnloadAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Makes <paramref name="pluginName"/> serve <paramref name="kind"/> from the next call on. Menu thread.</summary>
    /// <returns>False (nothing changed) when that plugin is not loaded or does not serve the transport.</returns>
    public bool SwitchTransport(TransportKind kind, string pluginName)
    {
        var plugin = Plugins.Find(pluginName);
        if (plugin is null || !plugin.Serves().Contains(kind))
        {
            return false;
        }

        Transports.Prefer(kind, plugin.Name);
        Transports.Rebuild(Plugins.Plugins);
        return true;
    }
}
