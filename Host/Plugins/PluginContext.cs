using McMaster.NETCore.Plugins;
using PluginNet.Core.Plugins;

namespace PluginNet.Host.Plugins;

/// <summary>
/// How every plugin folder is opened, transport or inspector alike: one collectible load context
/// reading the files into memory, sharing only Core's contracts, and the settings it is configured with.
/// </summary>
internal static class PluginContext
{
    /// <summary>Said when a plugin's file is missing.</summary>
    public const string NotBuiltAdvice = "was the solution built? `dotnet build` places plugins under artifacts/plugins/";

    /// <summary>A loader for <paramref name="entry"/> in its own unloadable context; <paramref name="sharedTypes"/> keep their identity across it.</summary>
    public static PluginLoader CreateLoader(PluginEntry entry, Type[] sharedTypes) =>
        // In memory: the files are read once and never mapped, so a build or a copy that overwrites
        // them in place (--watch) cannot pull pages from under the running version, and a reload
        // reads the new bytes instead of a cached image of the old file.
        PluginLoader.CreateFromAssemblyFile(
            entry.AssemblyPath, isUnloadable: true, sharedTypes: sharedTypes, configure: c => c.LoadInMemory = true);

    /// <summary>What an <see cref="IConfigurablePlugin"/> of <paramref name="entry"/> is configured with.</summary>
    public static PluginSettings Settings(PluginEntry entry) => new(
        entry.Name,
        entry.SettingsDirectory ?? Path.GetDirectoryName(entry.AssemblyPath)!,
        entry.Settings ?? new Dictionary<string, string>());
}
