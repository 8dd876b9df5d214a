using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;

namespace PluginNet.Bench.Infrastructure;

/// <summary>
/// Runs the real engine on a dedicated menu thread, with the standalone frame loop (<c>Run</c>, 60 fps,
/// event-driven), until its script unloads itself. The same loop <c>pluginnet run</c> uses.
/// </summary>
internal static class BenchEngine
{
    /// <param name="lua">The script.</param>
    /// <param name="modules">Modules added to the script (the bench probe).</param>
    /// <param name="options">Changes to the default engine options.</param>
    /// <param name="configure">Runs on the menu thread after the plugins load, before the script (e.g. to pin a transport).</param>
    /// <param name="plugins">Load the repository's plugins.json.</param>
    public static async Task<EngineRunResult> RunAsync(
        string lua,
        IEnumerable<ILuaModule> modules,
        Func<EngineOptions, EngineOptions>? options = null,
        Action<PluginNetEngine>? configure = null,
        bool plugins = true)
    {
        var script = Path.Combine(Path.GetTempPath(), $"pluginnet-bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, lua);
        var done = new TaskCompletionSource<EngineRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var defaults = new EngineOptions { DownloadDirectory = Path.GetTempPath() };
                var engine = new PluginNetEngine(options?.Invoke(defaults) ?? defaults);
                if (plugins)
                {
                    engine.LoadPlugins(PluginConfig.Load(Repo.PluginsJson));
                }

                configure?.Invoke(engine);
                foreach (var module in modules)
                {
                    engine.AddModule(module);
                }

                if (!engine.LoadScript(script))
                {
                    throw new InvalidOperationException("the bench script did not load (see the log above)");
                }

                var result = engine.Run(TimeSpan.FromMinutes(5));
                engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
                done.SetResult(result);
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }) { Name = "menu thread", IsBackground = true };
        thread.Start();
        try
        {
            var result = await done.Task;
            if (result != EngineRunResult.AllScriptsUnloaded)
            {
                throw new InvalidOperationException($"the bench script did not finish by itself ({result})");
            }

            return result;
        }
        finally
        {
            File.Delete(script);
        }
    }
}

/// <summary>Paths in the repository, found from the binaries.</summary>
internal static class Repo
{
    public static string Root => RepositoryRoot.FullPath;

    public static string PluginsJson => Path.Combine(Root, "plugins.json");

    /// <summary>The <c>pluginnet</c> app host, built beside this harness (the process users run).</summary>
    public static string Pluginnet => Path.Combine(AppContext.BaseDirectory, AppHostName);

    /// <summary>The app host's file name on this system.</summary>
    public static string AppHostName => OperatingSystem.IsWindows() ? "pluginnet.exe" : "pluginnet";

    /// <summary>The Node peers' folder (bench/node), where <c>npm ci</c> has installed <c>ws</c>.</summary>
    public static string NodePeers => Path.Combine(Root, "bench", "node");
}
