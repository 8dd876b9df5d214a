using PluginNet.Host.Output;
using PluginNet.Host.Engine;
using PluginNet.Host.Plugins;

namespace PluginNet.Host.Cli;

/// <summary>
/// <c>run --watch</c>: reloads a script when its file changes and a plugin when its folder changes.
/// Bursts of file events (an editor's save, a build) are debounced into one reload.
/// </summary>
internal sealed class FileWatch(PluginNetEngine engine, IScriptOutput output) : IDisposable
{
    private static readonly TimeSpan ScriptQuiet = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PluginQuiet = TimeSpan.FromMilliseconds(750);
    private const int IncompleteRetries = 8;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Dictionary<string, Timer> _pending = [];
    private readonly Lock _gate = new();

    public void WatchScript(string path)
    {
        var full = Path.GetFullPath(path);
        Watch(Path.GetDirectoryName(full)!, Path.GetFileName(full), includeSubdirectories: false, () => ReloadScript(full), "script:" + full, ScriptQuiet);
    }

    public void WatchPlugin(PluginEntry entry) =>
        Watch(Path.GetDirectoryName(entry.AssemblyPath)!, "*", includeSubdirectories: true, () => ReloadPlugin(entry), "plugin:" + entry.Name, PluginQuiet);

    public void Dispose()
    {
        lock (_gate)
        {
            _watchers.ForEach(w => w.Dispose());
            foreach (var timer in _pending.Values)
            {
                timer.Dispose();
            }
        }
    }

    private void Watch(string folder, string filter, bool includeSubdirectories, Action reload, string key, TimeSpan quiet)
    {
        if (!Directory.Exists(folder))
        {
            output.Log(LogLevel.Warn, null, $"--watch: {folder} does not exist; not watched");
            return;
        }

        var watcher = new FileSystemWatcher(folder, filter)
        {
            IncludeSubdirectories = includeSubdirectories,
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler changed = (_, _) => Debounce(key, quiet, reload);
        watcher.Changed += changed;
        watcher.Created += changed;
        watcher.Renamed += (_, _) => Debounce(key, quiet, reload);
        watcher.Error += (_, e) => output.Log(LogLevel.Warn, null, $"--watch: watching {folder} failed: {e.GetException().Message}");
        watcher.EnableRaisingEvents = true;
        lock (_gate)
        {
            _watchers.Add(watcher);
        }
    }

    // Restarts the quiet period on every event; the reload runs once the files have been still for it.
    private void Debounce(string key, TimeSpan quiet, Action reload)
    {
        lock (_gate)
        {
            if (_pending.TryGetValue(key, out var timer))
            {
                timer.Change(quiet, Timeout.InfiniteTimeSpan);
                return;
            }

            _pending[key] = new Timer(_ =>
            {
                lock (_gate)
                {
                    _pending.Remove(key, out var done);
                    done?.Dispose();
                }

                engine.Dispatcher.Post(null, reload);
            }, null, quiet, Timeout.InfiniteTimeSpan);
        }
    }

    private void ReloadScript(string path)
    {
        output.Log(LogLevel.Info, null, $"--watch: {Path.GetFileName(path)} changed; reloading");
        engine.ReloadScript(path);
    }

    private void ReloadPlugin(PluginEntry entry, int attempt = 1)
    {
        if (attempt == 1)
        {
            output.Log(LogLevel.Info, null, $"--watch: plugin {entry.Name} changed; reloading");
        }

        // A file still being written is not loaded: look again after another quiet period (a writer
        // that pauses sends no events), a bounded number of times; a new change starts over.
        if (engine.ReloadPlugin(entry) == PluginReloadOutcome.FilesIncomplete)
        {
            if (attempt < IncompleteRetries)
            {
                output.Log(LogLevel.Info, null, $"--watch: trying plugin {entry.Name} again in {PluginQuiet.TotalSeconds:0.##} s");
                Debounce("plugin:" + entry.Name, PluginQuiet, () => ReloadPlugin(entry, attempt + 1));
            }
            else
            {
                output.Log(LogLevel.Warn, null, $"--watch: plugin {entry.Name} is still incomplete after {attempt} tries; waiting for its files to change again");
            }
        }
    }
}
