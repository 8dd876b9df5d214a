using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;

namespace PluginNet.Bench;

/// <summary>Runs the real engine with the repository's plugins on a dedicated menu thread until its script unloads.</summary>
internal static class BenchEngine
{
    public static async Task RunAsync(string lua, ILuaModule module, string? downloads = null)
    {
        var script = Path.Combine(Path.GetTempPath(), $"pluginnet-bench-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, lua);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                var engine = new PluginNetEngine(new EngineOptions { DownloadDirectory = downloads ?? Path.GetTempPath() });
                engine.LoadPlugins(PluginConfig.Load(Repo.PluginsJson));
                engine.AddModule(module);
                engine.LoadScript(script);
                engine.Run(TimeSpan.FromMinutes(5));
                engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }) { Name = "menu thread", IsBackground = true };
        thread.Start();
        await done.Task;
    }
}

/// <summary>Finds the repository root from the binaries.</summary>
internal static class Repo
{
    public static string PluginsJson
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "plugins.json");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("plugins.json not found above " + AppContext.BaseDirectory);
        }
    }
}

/// <summary>A module that gives the script one function, <c>bench.mark(n)</c>, recording when it was called.</summary>
internal sealed class MarkModule(long[] marks) : ILuaModule
{
    public void Install(LuaModuleContext script) =>
        script.RegisterFunction("bench.mark", (long n) => marks[n] = System.Diagnostics.Stopwatch.GetTimestamp());
}
