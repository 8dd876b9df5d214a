using System.Composition.Hosting;
using McMaster.NETCore.Plugins;
using PluginNet.Core.Observation;
using PluginNet.Core.Plugins;

namespace PluginNet.Host.Plugins;

/// <summary>
/// The plugin <c>run --inspect</c> loads on demand (its <c>plugins.json</c> entry is listed with
/// <c>"enabled": false</c>, so a default run never loads it): not a transport, but an
/// <see cref="INetInspector"/> the engine reports to. It lives in its own collectible load context
/// like a transport plugin, sharing only Core's contracts.
/// </summary>
public sealed class InspectorPlugin : IAsyncDisposable, IDisposable
{
    /// <summary>The name of its <c>plugins.json</c> entry.</summary>
    public const string EntryName = "Inspector";

    private PluginLoader? _loader;
    private CompositionHost? _container;

    private InspectorPlugin(PluginLoader loader, CompositionHost container, INetInspector inspector)
    {
        _loader = loader;
        _container = container;
        Inspector = inspector;
    }

    /// <summary>What the plugin exports: the observer to attach, and the page it serves.</summary>
    public INetInspector Inspector { get; }

    /// <summary>The entry named <see cref="EntryName"/> in <paramref name="config"/>, enabled or not; null when there is none.</summary>
    public static PluginEntry? FindEntry(PluginConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Plugins.FirstOrDefault(p => string.Equals(p.Name, EntryName, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Loads the plugin of <paramref name="entry"/> and finds its inspector.</summary>
    /// <exception cref="InvalidOperationException">It cannot be loaded or exports no <see cref="INetInspector"/>; the message says why.</exception>
    public static InspectorPlugin Load(PluginEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!File.Exists(entry.AssemblyPath))
        {
            throw new InvalidOperationException($"plugin '{entry.Name}' not found at {entry.AssemblyPath} ({PluginContext.NotBuiltAdvice})");
        }

        PluginLoader? loader = null;
        CompositionHost? container = null;
        try
        {
            // Core is shared (its contracts' identity must cross the boundary); the rest stays the plugin's.
            loader = PluginContext.CreateLoader(entry, [typeof(INetInspector)]);
            var assembly = loader.LoadDefaultAssembly();
            container = new ContainerConfiguration().WithAssembly(assembly).CreateContainer();
            var inspector = container.GetExports<INetInspector>().FirstOrDefault()
                ?? throw new InvalidOperationException($"plugin '{entry.Name}' ({entry.AssemblyPath}) exports no {nameof(INetInspector)}");
            if (inspector is IConfigurablePlugin configurable)
            {
                configurable.Configure(PluginContext.Settings(entry));
            }

            return new InspectorPlugin(loader, container, inspector);
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            container?.Dispose();
            loader?.Dispose();
            throw new InvalidOperationException($"plugin '{entry.Name}' not loaded ({entry.AssemblyPath}): {ex.GetType().Name}: {ex.Message}", ex);
        }
        catch
        {
            container?.Dispose();
            loader?.Dispose();
            throw;
        }
    }

    /// <summary>Stops the page, then unloads the plugin's context.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_container is null)
        {
            return;
        }

        await Inspector.DisposeAsync().ConfigureAwait(false);
        _container.Dispose();
        _container = null;
        _loader?.Dispose();
        _loader = null;
    }

    /// <summary>Like <see cref="DisposeAsync"/>, blocking; for the command line, whose run is synchronous.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
