namespace PluginNet.Host.Plugins;

/// <summary>
/// Checks, once the plugins are loaded, that each plugin chosen in <c>transports</c> really serves its
/// transport. Otherwise another plugin would serve it silently: the real Http plugin sending live
/// requests while the user believes Replay answers them.
/// </summary>
internal static class TransportChoices
{
    /// <exception cref="PluginConfigException">A chosen plugin did not load or does not serve its transport.</exception>
    public static void Verify(PluginConfig config, IReadOnlyList<LoadedPlugin> loaded)
    {
        foreach (var (kind, name) in config.Transports)
        {
            var at = $"transports.{kind.Key}";
            var plugin = loaded.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (plugin is null)
            {
                throw new PluginConfigException(config.FilePath, at, $"plugin \"{name}\" did not load (see the message above), so it cannot serve {kind.Key}; fix it, or name another plugin");
            }

            if (!plugin.Serves().Contains(kind))
            {
                var others = loaded.Where(p => p.Serves().Contains(kind)).Select(p => p.Name).ToList();
                var hint = others.Count == 0 ? $"no loaded plugin serves {kind.Key}" : $"{string.Join(", ", others)} does";
                throw new PluginConfigException(
                    config.FilePath,
                    at,
                    $"plugin \"{plugin.Name}\" does not serve {kind.Key} (it serves {string.Join(", ", plugin.Serves().Select(k => k.Key))}); name a plugin that serves {kind.Key} ({hint})");
            }
        }
    }
}
