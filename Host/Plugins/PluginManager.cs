using System.Composition.Hosting;
using System.Composition;
using System.Reflection;
using McMaster.NETCore.Plugins;
using PluginNet.Core.Plugins;
using PluginNet.Host.Output;
using PluginNet.Host.Transports;

namespace PluginNet.Host.Plugins;

/// <summary>
/// Loads plugin folders into collectible load contexts (McMaster.NETCore.Plugins) and finds their
/// exports (System.Composition). A plugin that fails to load is reported and skipped.
/// </summary>
public sealed class PluginManager
{
    // Only Core's contracts cross the boundary; everything else a plugin brings stays its own.
    private static readonly Type[] SharedTypes = [.. TransportKind.All.Select(k => k.Contract)];

    private readonly List<LoadedPlugin> _plugins = [];
    private readonly IScriptOutput _output;

    /// <summary>Creates a manager that reports to <paramref name="output"/>.</summary>
    public PluginManager(IScriptOutput output) => _output = output;

    /// <summary>The plugins loaded now, in load order.</summary>
    public IReadOnlyList<LoadedPlugin> Plugins => _plugins;

    /// <summary>Finds a loaded plugin by name (case-insensitive).</summary>
    public LoadedPlugin? Find(string name) =>
        _plugins.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Loads one plugin. Returns null, after reporting which plugin and why, when it cannot be loaded.</summary>
    public LoadedPlugin? Load(PluginEntry entry)
    {
        if (Find(entry.Name) is not null)
        {
            _output.Log(LogLevel.Error, null, $"plugin '{entry.Name}' is already loaded");
            return null;
        }

        var plugin = TryLoad(entry, out var problem);
        if (plugin is null)
        {
            _output.Log(LogLevel.Error, null, $"plugin '{entry.Name}' not loaded ({entry.AssemblyPath}): {problem}");
            return null;
        }

        _plugins.Add(plugin);
        return plugin;
    }

    /// <summary>
    /// Loads a new copy of <paramref name="entry"/> beside whatever version is loaded now, without
    /// listing it; <see cref="Replace"/> then swaps it in. Returns null with the reason when it cannot be loaded.
    /// </summary>
    internal LoadedPlugin? LoadSeparately(PluginEntry entry, out string problem) => TryLoad(entry, out problem);

    /// <summary>Puts <paramref name="fresh"/> in the place (and load order) of <paramref name="old"/>, which is no longer listed (or at the end).</summary>
    internal void Replace(LoadedPlugin? old, LoadedPlugin fresh)
    {
        var index = old is null ? -1 : _plugins.IndexOf(old);
        if (index < 0)
        {
            _plugins.Add(fresh);
        }
        else
        {
            _plugins[index] = fresh;
        }
    }

    /// <summary>Forgets <paramref name="plugin"/> and unloads its context; see <see cref="LoadedPlugin.UnloadAsync"/>.</summary>
    internal Task<WeakReference> UnloadAsync(LoadedPlugin plugin)
    {
        Detach(plugin);
        return plugin.UnloadAsync();
    }

    /// <summary>Removes <paramref name="plugin"/> from the loaded list without unloading it yet.</summary>
    internal void Detach(LoadedPlugin plugin) => _plugins.Remove(plugin);

    private static string KnownContracts => TransportKind.Join(TransportKind.All.Select(k => k.Contract.Name), "or");

    // An export no transport descriptor knows would be silently ignored: say so, naming the plugin.
    private void ReportUnknownContracts(PluginEntry entry, Type[] types)
    {
        foreach (var contract in UnknownContracts(types))
        {
            _output.Log(LogLevel.Warn, null, $"plugin '{entry.Name}' exports {contract.Name}, which is not a transport this host knows ({KnownContracts}); that export is ignored");
        }
    }

    /// <summary>The contracts <paramref name="types"/> export that no <see cref="TransportKind"/> serves.</summary>
    internal static IEnumerable<Type> UnknownContracts(IEnumerable<Type> types) => types
        .SelectMany(t => t.GetCustomAttributes<ExportAttribute>(inherit: false).Select(a => a.ContractType ?? t))
        .Where(c => TransportKind.ForContract(c) is null)
        .Distinct();

    private static void Configure(LoadedPlugin plugin, PluginEntry entry)
    {
        var settings = PluginContext.Settings(entry);
        foreach (var configurable in plugin.Exports.OfType<IConfigurablePlugin>())
        {
            configurable.Configure(settings); // an ArgumentException here fails the load with its message
        }
    }

    private LoadedPlugin? TryLoad(PluginEntry entry, out string problem)
    {
        if (!File.Exists(entry.AssemblyPath))
        {
            problem = $"the file does not exist ({PluginContext.NotBuiltAdvice})";
            return null;
        }

        PluginLoader? loader = null;
        try
        {
            loader = PluginContext.CreateLoader(entry, SharedTypes);
            var assembly = loader.LoadDefaultAssembly();
            var types = assembly.GetTypes(); // surface missing dependencies and version mismatches now, not on first use
            ReportUnknownContracts(entry, types);
            var container = new ContainerConfiguration().WithAssembly(assembly).CreateContainer();
            var plugin = new LoadedPlugin(entry, loader, container);
            if (!plugin.Serves().Any())
            {
                container.Dispose();
                loader.Dispose();
                problem = $"it exports no transport ({KnownContracts})";
                return null;
            }

            try
            {
                Configure(plugin, entry);
            }
            catch
            {
                container.Dispose();
                throw;
            }

            problem = string.Empty;
            return plugin;
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException
                                       or ReflectionTypeLoadException or System.Composition.Hosting.CompositionFailedException
                                       or TypeLoadException or InvalidOperationException or ArgumentException)
        {
            loader?.Dispose();
            problem = ex is ReflectionTypeLoadException rtl
                ? string.Join("; ", rtl.LoaderExceptions.Select(e => e?.Message).Distinct())
                : $"{ex.GetType().Name}: {ex.Message}";
            return null;
        }
    }
}
