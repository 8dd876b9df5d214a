namespace PluginNet.Core.Plugins;

/// <summary>
/// The <c>settings</c> object of a plugin's entry in <c>plugins.json</c>, as flat strings (numbers and
/// booleans are given in their JSON text), so no JSON type crosses into the plugin.
/// </summary>
/// <param name="PluginName">The plugin's name in <c>plugins.json</c>.</param>
/// <param name="BaseDirectory">Folder of <c>plugins.json</c>; relative paths in settings are relative to it.</param>
/// <param name="Values">Setting name → value.</param>
public sealed record PluginSettings(string PluginName, string BaseDirectory, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>The value of <paramref name="key"/>, or <paramref name="fallback"/> when absent.</summary>
    public string Get(string key, string fallback) => Values.TryGetValue(key, out var value) ? value : fallback;

    /// <summary>A path setting resolved against <see cref="BaseDirectory"/>.</summary>
    public string GetPath(string key, string fallback) => Path.GetFullPath(Get(key, fallback), BaseDirectory);
}

/// <summary>Optional: an exported transport that wants its plugin's settings. Called once, right after loading.</summary>
public interface IConfigurablePlugin
{
    /// <summary>Applies the settings; throw <see cref="ArgumentException"/> with a clear message when one is wrong.</summary>
    void Configure(PluginSettings settings);
}
