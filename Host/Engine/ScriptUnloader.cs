using System.Collections.Concurrent;
using PluginNet.Host.Output;
using PluginNet.Core.Observation;
using PluginNet.Core.Resources;
using PluginNet.Host.Lua;

namespace PluginNet.Host.Engine;

/// <summary>
/// How a script leaves: it stops receiving work at once, then (on the menu thread) every script hears
/// <c>script_unloaded</c>, its servers are closed and waited for, the rest of its ledger is released
/// in the background, and its Lua state is closed.
/// </summary>
internal sealed class ScriptUnloader(List<ScriptRuntime> scripts, IScriptOutput output, INetObserver? observer = null)
{
    // How long an unload waits for the script's servers to stop (the same bound as srv:close()).
    private static readonly TimeSpan ServerCloseWait = TimeSpan.FromSeconds(5);
    private readonly ConcurrentQueue<ScriptRuntime> _queue = new();
    private readonly List<Task> _releases = [];
    private readonly ConcurrentDictionary<ScriptRuntime, byte> _unannounced = new();

    /// <summary>
    /// Ends the script now (nothing queued for it runs); it is torn down at the next <see cref="ProcessPending"/>.
    /// <paramref name="announce"/> false: a script that never finished loading; nobody hears <c>script_unloaded</c> for it.
    /// </summary>
    public void Request(ScriptRuntime script, bool announce = true)
    {
        if (!announce)
        {
            _unannounced.TryAdd(script, 0);
        }

        // From now on nothing queued for this script runs; its state lives until its turn below.
        if (script.Scope.End())
        {
            _queue.Enqueue(script);
        }
    }

    /// <summary>Tears down every script whose unload was requested. Menu thread, outside any Lua call.</summary>
    public void ProcessPending()
    {
        while (_queue.TryDequeue(out var script))
        {
            Teardown(script);
            observer?.OnScript(new ScriptObservation(script.Scope.Name, ScriptObservationKind.Unloaded, DateTimeOffset.UtcNow));
        }
    }

    /// <summary>Completes when every resource release started so far has finished.</summary>
    public Task WhenReleasedAsync()
    {
        lock (_releases)
        {
            return Task.WhenAll(_releases);
        }
    }

    /// <summary>Waits for the releases, at most <paramref name="limit"/>; says so when they are still running.</summary>
    public async Task WaitReleasesAsync(TimeSpan limit)
    {
        var all = WhenReleasedAsync();
        if (await Task.WhenAny(all, Task.Delay(limit)).ConfigureAwait(false) != all)
        {
            output.Log(LogLevel.Warn, null, $"resources still being released after {limit.TotalSeconds:0} s; stopping anyway");
        }
    }

    /// <summary>
    /// Fires <c>script_unloaded</c> for <paramref name="script"/> to each of <paramref name="listeners"/>
    /// that is still loaded, and to <paramref name="script"/> itself. Menu thread.
    /// </summary>
    public static void Announce(ScriptRuntime script, IReadOnlyList<ScriptRuntime> listeners)
    {
        foreach (var listener in listeners)
        {
            if (listener == script || listener.Scope.IsActive)
            {
                listener.Fire("script_unloaded", state =>
                {
                    state.NewTable();
                    state.PushText(script.ScriptPath);
                    state.SetField(-2, "script_path");
                });
            }
        }
    }

    private void Teardown(ScriptRuntime script)
    {
        // The seed's contract: every loaded script, the unloading one included, hears script_unloaded
        // before the unloading script's resources are torn down (so its handler may still close them).
        if (!_unannounced.TryRemove(script, out _))
        {
            Announce(script, scripts.ToList());
        }

        scripts.Remove(script);

        // Servers first, and waited for (bounded, as srv:close() is): their ports are free the moment
        // the unload returns, so a reload can listen on the same port. Closing never needs this thread.
        WaitForServers(script.Scope);
        var release = ReleaseAsync(script.Scope);
        lock (_releases)
        {
            _releases.RemoveAll(t => t.IsCompleted);
            _releases.Add(release);
        }

        script.Dispose();
    }

    private void WaitForServers(ScriptScope scope)
    {
        var servers = scope.Ledger.ReleaseKindAsync(ResourceKind.Server, ReleaseReason.ScriptUnloaded);
        try
        {
            if (!servers.Wait(ServerCloseWait))
            {
                output.Log(LogLevel.Warn, scope.Name, $"its servers are still closing after {ServerCloseWait.TotalSeconds:0} s; finishing in the background");
            }
        }
        catch (AggregateException ex)
        {
            output.Log(LogLevel.Error, scope.Name, $"closing its servers failed: {ex.Flatten().Message}");
        }
    }

    private async Task ReleaseAsync(ScriptScope scope)
    {
        try
        {
            await scope.Ledger.ReleaseAllAsync(ReleaseReason.ScriptUnloaded).ConfigureAwait(false);
        }
        catch (AggregateException ex)
        {
            output.Log(LogLevel.Error, scope.Name, $"releasing resources failed: {ex.Flatten().Message}");
        }
    }
}
